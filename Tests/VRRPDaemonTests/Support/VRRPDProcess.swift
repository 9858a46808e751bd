import Foundation

/// One `vrrp_instance` block as the tests write it: VRRPv3 at 0.1 s by default, so elections
/// take a fraction of a second.
struct TestInstance {
    var name = "VI_1"
    var version = 3
    var interface: String
    var virtualRouterID = 51
    var priority: Int
    var advertInterval = "0.1"
    /// VRRPv2 only: `auth_type PASS`.
    var password: String?
    var virtualAddress: String
    /// 24 for the IPv4 test subnet, 64 for IPv6.
    var prefixLength = 24
    var extra: [String] = []

    var configuration: String {
        var lines = [
            "vrrp_instance \(name) {",
            "    version \(version)",
            "    interface \(interface)",
            "    virtual_router_id \(virtualRouterID)",
            "    priority \(priority)",
            "    advert_int \(advertInterval)",
        ]
        if let password {
            lines += ["    authentication {", "        auth_type PASS", "        auth_pass \(password)", "    }"]
        }
        lines += extra.map { "    " + $0 }
        lines += ["    virtual_ipaddress {", "        \(virtualAddress)/\(prefixLength)", "    }", "}", ""]
        return lines.joined(separator: "\n")
    }

    static func on(_ network: RouterNetwork, _ namespace: String, priority: Int) -> TestInstance {
        TestInstance(
            interface: network.interface(of: namespace), priority: priority, virtualAddress: network.virtualAddress)
    }
}

/// The built `vrrpd` running in a namespace (`ip netns exec NS vrrpd -f CONF --bus-address
/// ...`), with its log in a temporary directory and its D-Bus objects read through `busctl`.
final class VRRPDProcess: Sendable {
    static let busName = "org.keepalive.Vrrp1"
    static let rootPath = "/org/keepalive/Vrrp1"
    static let instanceInterface = "org.keepalive.Vrrp1.Instance"

    let namespace: String
    let bus: PrivateBus
    let directory: String
    let process: ChildProcess

    /// The `vrrpd` next to the running test bundle: the same scratch path and configuration.
    static func executable() throws -> String {
        let candidates = [CommandLine.arguments.first, Bundle.main.executablePath].compactMap { $0 }.map {
            URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent("vrrpd").path
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TestFailure("no vrrpd binary beside the test bundle (looked at \(candidates)); build it first")
        }
        return found
    }

    /// The repository's `dbus/` directory, found from this file's path.
    static var interfacesDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("dbus").path
    }

    init(namespace: String, configuration: String, bus: PrivateBus) throws {
        self.namespace = namespace
        self.bus = bus
        directory = try makeTemporaryDirectory("kavd-vrrpd")
        let configPath = directory + "/keepalived.conf"
        do {
            try configuration.write(toFile: configPath, atomically: true, encoding: .utf8)
            process = try ChildProcess(
                "/usr/sbin/ip",
                [
                    "netns", "exec", namespace, try Self.executable(), "-f", configPath, "--bus-address", bus.address,
                    "--interfaces-directory", Self.interfacesDirectory,
                ], logPath: directory + "/vrrpd.log")
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    var log: String { process.log }

    /// Writes a new configuration and sends SIGHUP, as `systemctl reload` does.
    func reload(configuration: String) throws {
        try writeConfiguration(configuration)
        process.signal(SIGHUP)
    }

    /// Replaces the file the daemon (and a checkd beside it) reads on its next reload.
    func writeConfiguration(_ configuration: String) throws {
        try configuration.write(toFile: directory + "/keepalived.conf", atomically: true, encoding: .utf8)
    }

    /// SIGTERM (a clean stop) or SIGKILL (a crash), then waits for the exit.
    @discardableResult
    func stop(signal: Int32 = SIGTERM) async -> Int32 {
        process.signal(signal)
        return await process.wait()
    }

    /// Stops the daemon if it still runs and removes its directory.
    func cleanUp() async {
        if process.isRunning { await stop(signal: SIGKILL) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func instancePath(_ name: String) -> String {
        let escaped = name.utf8.map { byte -> String in
            let character = Character(Unicode.Scalar(byte))
            if character.isASCII, character.isLetter || character.isNumber { return String(character) }
            return "_" + String(byte, radix: 16, uppercase: false).leftPadded(to: 2)
        }.joined()
        return rootPath + "/instance/" + escaped
    }

    /// A property read with `busctl --json=short get-property`, as JSON.
    func property(_ name: String, instance: String = "VI_1") throws -> Any {
        try property(name, path: Self.instancePath(instance), interface: Self.instanceInterface)
    }

    func property(_ name: String, path: String, interface: String) throws -> Any {
        let json = try bus.busctl(["--json=short", "get-property", Self.busName, path, interface, name])
        guard let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
            let data = object["data"]
        else { throw TestFailure("unexpected busctl output: \(json)") }
        return data
    }

    func state(instance: String = "VI_1") throws -> String {
        try property("State", instance: instance) as? String ?? "?"
    }

    /// The root object's `Stats`: instance → counter → value.
    func stats() throws -> [String: [String: Int]] {
        let value = try property("Stats", path: Self.rootPath, interface: Self.busName)
        guard let stats = value as? [String: [String: Int]] else { throw TestFailure("Stats is \(value)") }
        return stats
    }

    /// Calls an instance method; `arguments` are busctl's signature and values.
    @discardableResult
    func call(_ method: String, _ arguments: [String] = [], instance: String = "VI_1") throws -> String {
        try bus.busctl(["call", Self.busName, Self.instancePath(instance), Self.instanceInterface, method] + arguments)
    }

    /// Starts vrrpd, runs `body`, and stops it on every path.
    static func with<Result>(
        namespace: String, configuration: String, bus: PrivateBus, _ body: (VRRPDProcess) async throws -> Result
    ) async throws -> Result {
        let daemon = try VRRPDProcess(namespace: namespace, configuration: configuration, bus: bus)
        do {
            let result = try await body(daemon)
            await daemon.cleanUp()
            return result
        } catch {
            let log = daemon.log
            await daemon.cleanUp()
            throw TestFailure("\(error)\n--- vrrpd in \(namespace) ---\n\(log)")
        }
    }

    /// Waits until vrrpd owns its bus name and reports `state`.
    func waitForState(_ state: String, instance: String = "VI_1") async throws {
        try await waitUntil("vrrpd in \(namespace) reaches \(state)") {
            guard process.isRunning else { throw TestFailure("vrrpd exited: \(log)") }
            return try self.state(instance: instance) == state
        }
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: max(0, length - count)) + self
    }
}
