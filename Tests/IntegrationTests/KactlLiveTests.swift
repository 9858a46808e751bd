import DBus
import Foundation
import KeepaliveTestSupport
import Testing

/// kactl against the real vrrpd and checkd of a `KactlLab`: the objects of the D-Bus contract as
/// the daemons serve them, the methods they answer, and the signals `kactl monitor` follows.
@Suite(.enabled(if: getuid() == 0, "needs root: runs the daemons in a network namespace"))
struct KactlLiveTests {
    static let virtualServer = "[192.0.2.10]:80"
    static let realServer = "[192.0.2.20]:80"
    static let instancePath = "/org/keepalive/Vrrp1/instance/VI_5f1"

    /// A property of a daemon's object, read through the bus (not through kactl).
    func property(
        _ lab: KactlLab, _ bus: String, _ path: String, _ interface: String, _ name: String
    ) async throws -> DBusValue {
        try await lab.client.getProperty(destination: bus, path: try ObjectPath(path), interface: interface, name: name)
    }

    func realServerPath() throws -> String {
        try ObjectPath("/org/keepalive/Check1/realserver").appending(escaping: Self.virtualServer)
            .appending(escaping: Self.realServer).rawValue
    }

    @Test func statusShowsTheDaemonsInstanceScriptAndRealServer() async throws {
        try await KactlLab.with { lab in
            // checkd reports the script once it has run it.
            let scriptPath = try ObjectPath("/org/keepalive/Check1/script").appending(escaping: "chk").rawValue
            try await waitFor("chk to run") {
                try await property(lab, "org.keepalive.Check1", scriptPath, "org.keepalive.Check1.Script", "Status")
                    .stringValue == "OK"
            }
            let status = try await lab.kactl(["status"])
            #expect(status.status == 0, "\(status.stderr)")
            #expect(status.stdout.contains("  VI_1  "), "\(status.stdout)")
            #expect(status.stdout.contains("vrid 51"))
            #expect(status.stdout.contains("  chk  OK"), "\(status.stdout)")
            #expect(status.stdout.contains("  \(Self.virtualServer)\n    192.0.2.20:80  "), "\(status.stdout)")
            #expect(status.stdout.contains("ENABLED  checkers TCP_CHECK"), "\(status.stdout)")

            let json = try await lab.kactl(["status", "--json"])
            let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let instance = try #require((document["instances"] as? [[String: Any]])?.first)
            #expect(instance["path"] as? String == Self.instancePath)
            let servers = try #require(document["realServers"] as? [[String: Any]])
            let properties = try #require(servers.first?["properties"] as? [String: Any])
            #expect(properties["VirtualServer"] as? String == Self.virtualServer)
            #expect(properties["AdminState"] as? String == "ENABLED")
        }
    }

    @Test func drainEnableDisableAndPriorityChangeWhatTheDaemonsServe() async throws {
        try await KactlLab.with { lab in
            let path = try realServerPath()
            let rs = "org.keepalive.Check1.RealServer"
            for (command, state) in [("drain", "DRAINED"), ("enable", "ENABLED"), ("disable", "DISABLED")] {
                let result = try await lab.kactl([command, Self.virtualServer, Self.realServer])
                #expect(result.status == 0, "\(command): \(result.stderr)")
                let admin = try await property(lab, "org.keepalive.Check1", path, rs, "AdminState")
                #expect(admin.stringValue == state, "after \(command)")
            }
            // By the Address property, as an admin would type it, too.
            #expect(try await lab.kactl(["enable", Self.virtualServer, "192.0.2.20"]).status == 0)
            #expect(try await property(lab, "org.keepalive.Check1", path, rs, "AdminState").stringValue == "ENABLED")

            let instance = "org.keepalive.Vrrp1.Instance"
            let set = try await lab.kactl(["set-priority", "VI_1", "120"])
            #expect(set.status == 0, "\(set.stderr)")
            #expect(set.stdout == "VI_1: priority set to 120\n")
            #expect(try await property(lab, "org.keepalive.Vrrp1", Self.instancePath, instance, "Priority") == .byte(120))
            #expect(try await lab.kactl(["reset-priority", "VI_1"]).status == 0)
            #expect(try await property(lab, "org.keepalive.Vrrp1", Self.instancePath, instance, "Priority") == .byte(100))

            let missing = try await lab.kactl(["disable", Self.virtualServer, "[192.0.2.21]:80"])
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("known: "), "\(missing.stderr)")
        }
    }

    @Test func monitorFollowsPropertyChangesOfBothDaemons() async throws {
        try await KactlLab.with { lab in
            let monitor = try ChildProcess(
                try Repository.binary("kactl"), ["monitor", "--bus-address", lab.bus.address],
                environment: ["NO_COLOR": "1"])
            #expect(await monitor.waitForError(containing: "Ctrl-C to stop"))
            #expect(try await lab.kactl(["set-priority", "VI_1", "110"]).status == 0)
            // One line per PropertiesChanged: "vrrpd VI_1 EffectivePriority=110 Priority=110".
            #expect(await monitor.waitForOutput(containing: "Priority=110"))
            #expect(try await lab.kactl(["drain", Self.virtualServer, Self.realServer]).status == 0)
            #expect(await monitor.waitForOutput(containing: "AdminState=DRAINED"))
            monitor.signal(SIGINT)
            #expect(await monitor.wait(seconds: 20).status == 0)
        }
    }

    /// Polls `condition` every 100 ms for up to 20 s (a hang guard, not a timing assertion).
    func waitFor(_ what: String, _ condition: () async throws -> Bool) async throws {
        for _ in 0..<200 {
            if (try? await condition()) == true { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessError("timed out waiting for \(what)")
    }
}
