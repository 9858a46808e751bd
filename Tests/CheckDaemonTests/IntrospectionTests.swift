import DBus
import Foundation
import KeepaliveTestSupport
import Testing

/// What checkd serves from Introspect on its Script and RealServer objects is the shipped XML.
@Suite(.enabled(if: getuid() == 0, "needs root: runs checkd's scripts as root"))
struct IntrospectionTests {
    @Test func scriptAndRealServerObjectsServeTheShippedInterfaceFiles() async throws {
        try await TestFiles.with { files in
            let script = try files.script("ok.sh", "exit 0")
            let config = """
                vrrp_script chk {
                    script "\(script)"
                }
                virtual_server 192.0.2.10 80 {
                    protocol TCP
                    real_server 127.0.0.11 80 {
                    }
                }
                """
            try await withPrivateBus { bus in
                try await CheckdProcess.with(config: config, in: files.directory, bus: bus) { checkd in
                    let client = try await bus.connect()
                    defer { client.close() }
                    let objects = [
                        (CheckdProcess.scriptPath("chk"), CheckdProcess.scriptInterface),
                        (
                            CheckdProcess.realServerPath("[192.0.2.10]:80", "[127.0.0.11]:80"),
                            CheckdProcess.realServerInterface
                        ),
                    ]
                    for (path, interface) in objects {
                        let served = try await client.call(
                            destination: CheckdProcess.busName, path: try ObjectPath(path),
                            interface: "org.freedesktop.DBus.Introspectable", method: "Introspect")
                        let shipped = try String(
                            contentsOfFile: "\(Repository.dbusDirectory)/\(interface).xml", encoding: .utf8)
                        #expect(served.first?.stringValue == shipped, "\(path)")
                    }
                    let managed = try await client.managedObjects(
                        destination: CheckdProcess.busName, path: try ObjectPath(CheckdProcess.root))
                    #expect(managed.count == 2)
                }
            }
        }
    }
}
