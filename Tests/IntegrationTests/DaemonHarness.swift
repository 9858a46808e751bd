import DBus
import Foundation
import KeepaliveTestSupport

/// One keepalive daemon started by a test on its private bus, with the repository's interface XML.
struct DaemonUnderTest {
    let name: String
    let busName: String
    let rootPath: ObjectPath
    let process: ChildProcess

    static let daemons: [String: String] = [
        "vrrpd": "org.keepalive.Vrrp1", "checkd": "org.keepalive.Check1", "ipvsd": "org.keepalive.Ipvs1",
    ]

    /// Starts the daemon inside `namespace`, so nothing it does to the network touches the host.
    static func start(
        _ name: String, config: String, bus: PrivateBus, in namespace: TestNamespace,
        environment: [String: String] = [:]
    ) throws -> DaemonUnderTest {
        let busName = daemons[name]!
        let (executable, arguments) = namespace.exec(
            try Repository.binary(name),
            ["-f", config, "--bus-address", bus.socketAddress, "--interfaces-directory", Repository.dbusDirectory])
        let process = try ChildProcess(executable, arguments, environment: environment)
        return DaemonUnderTest(
            name: name, busName: busName,
            rootPath: try ObjectPath("/" + busName.split(separator: ".").joined(separator: "/")), process: process)
    }

    /// Waits until the daemon owns its name on `connection`'s bus; throws with its stderr if not.
    func waitForName(on connection: DBusConnection, seconds: Double = 20) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? await connection.nameOwner(of: busName)) ?? nil != nil { return }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw HarnessError("\(name) did not own \(busName); stderr:\n\(process.stderr)")
    }

    func property(_ name: String, on connection: DBusConnection) async throws -> DBusValue {
        try await connection.getProperty(destination: busName, path: rootPath, interface: busName, name: name)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A small, valid keepalived.conf with one instance, one script and one virtual server.
let sampleConfig = """
    global_defs {
        router_id test
    }
    vrrp_script chk {
        script "/bin/true"
        interval 1
    }
    vrrp_instance VI_1 {
        state BACKUP
        interface lo
        virtual_router_id 51
        priority 100
        advert_int 1
        virtual_ipaddress {
            192.0.2.10/32
        }
    }
    virtual_server 192.0.2.10 80 {
        lb_algo rr
        lb_kind NAT
        protocol TCP
        real_server 192.0.2.20 80 {
            weight 1
            TCP_CHECK {
                connect_timeout 3
            }
        }
    }
    """

func writeConfig(_ text: String, in directory: String, name: String = "keepalived.conf") throws -> String {
    let path = directory + "/" + name
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}
