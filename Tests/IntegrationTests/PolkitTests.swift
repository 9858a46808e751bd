import DBus
import Foundation
import KeepaliveTestSupport
import Testing

/// A real polkitd on a private system bus, with the project's polkit policy installed where
/// polkitd reads it. Serialized: polkitd's action and rule directories are machine-wide.
@Suite(
    .serialized,
    .enabled(if: getuid() == 0, "needs root: installs a polkit policy, runs polkitd, creates a user"),
    .enabled(
        if: FileManager.default.isExecutableFile(atPath: "/usr/lib/polkit-1/polkitd"),
        "needs Debian's polkitd package"))
struct PolkitTests {
    static let installedPolicy = "/usr/share/polkit-1/actions/org.keepalive.policy"

    /// The lab: policy installed, a private bus with our bus policy and polkit's, polkitd on it,
    /// vrrpd in a namespace. Everything is put back afterwards.
    func withPolkitLab(_ body: (PrivateBus, DaemonUnderTest) async throws -> Void) async throws {
        let hadPolicy = FileManager.default.fileExists(atPath: Self.installedPolicy)
        if !hadPolicy {
            try FileManager.default.copyItem(
                atPath: Repository.root + "/polkit/org.keepalive.policy", toPath: Self.installedPolicy)
        }
        defer { if !hadPolicy { try? FileManager.default.removeItem(atPath: Self.installedPolicy) } }

        let bus = try await PrivateBus.start(policyDirectories: [
            Repository.dbusDirectory, "/usr/share/dbus-1/system.d",
        ])
        let namespace = try await TestNamespace.create("kapolkit")
        let directory = try Repository.temporaryDirectory("kapolkit")
        let polkitd = try ChildProcess(
            "/usr/lib/polkit-1/polkitd", ["--no-debug"], environment: ["DBUS_SYSTEM_BUS_ADDRESS": bus.address])
        var daemon: DaemonUnderTest?
        do {
            let client = try await bus.connect()
            defer { client.close() }
            try await waitForOwner("org.freedesktop.PolicyKit1", on: client, process: polkitd)
            let started = try DaemonUnderTest.start(
                "vrrpd", config: try writeConfig(sampleConfig, in: directory), bus: bus, in: namespace)
            daemon = started
            try await started.waitForName(on: client)
            try await body(bus, started)
        } catch {
            Issue.record("polkitd stderr: \(polkitd.stderr)")
            daemon?.process.signal(SIGKILL)
            await polkitd.terminate()
            await namespace.delete()
            await bus.stop()
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        daemon?.process.signal(SIGKILL)
        await polkitd.terminate()
        await namespace.delete()
        await bus.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func waitForOwner(_ name: String, on client: DBusConnection, process: ChildProcess) async throws {
        for _ in 0..<500 {
            if (try? await client.nameOwner(of: name)) ?? nil != nil { return }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw HarnessError("\(name) never appeared on the bus")
    }

    /// busctl as another user: `setpriv` drops to the uid, gid and groups given.
    func busctl(as user: [String], _ bus: PrivateBus, _ arguments: [String]) async throws -> CommandResult {
        try await run("/usr/bin/setpriv", user + ["/usr/bin/busctl", "--address=\(bus.address)"] + arguments)
    }

    func reload(_ daemon: DaemonUnderTest) -> [String] {
        ["call", daemon.busName, daemon.rootPath.rawValue, daemon.busName, "Reload"]
    }

    @Test func anUnprivilegedUserIsRefusedButCanReadEverything() async throws {
        try await withPolkitLab { bus, daemon in
            let nobody = ["--reuid=65534", "--regid=65534", "--clear-groups"]
            let refused = try await busctl(as: nobody, bus, reload(daemon))
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("Access denied"), "\(refused.stderr)")

            let read = try await busctl(
                as: nobody, bus,
                ["get-property", daemon.busName, daemon.rootPath.rawValue, daemon.busName, "ConfigFile"])
            #expect(read.status == 0)
            let managed = try await busctl(
                as: nobody, bus,
                [
                    "call", daemon.busName, daemon.rootPath.rawValue, "org.freedesktop.DBus.ObjectManager",
                    "GetManagedObjects",
                ])
            #expect(managed.status == 0, "\(managed.stderr)")
        }
    }

    @Test func rootIsAllowed() async throws {
        try await withPolkitLab { bus, daemon in
            let allowed = try await run("/usr/bin/busctl", ["--address=\(bus.address)"] + reload(daemon))
            #expect(allowed.status == 0, "\(allowed.stderr)")
        }
    }

    @Test func aRuleForAGroupLetsItsMembersManage() async throws {
        let group = "kamg\(getpid() % 100_000)"
        let user = "kamu\(getpid() % 100_000)"
        let rule = "/etc/polkit-1/rules.d/49-keepalive-test-\(getpid()).rules"
        _ = try await run("/usr/sbin/groupadd", ["--system", group])
        _ = try await run("/usr/sbin/useradd", ["--system", "--no-create-home", "--gid", group, user])
        defer {
            try? FileManager.default.removeItem(atPath: rule)
            Task {
                _ = try? await run("/usr/sbin/userdel", [user])
                _ = try? await run("/usr/sbin/groupdel", [group])
            }
        }
        try """
        polkit.addRule(function(action, subject) {
            if (action.id == "org.keepalive.vrrp.manage" && subject.isInGroup("\(group)")) {
                return polkit.Result.YES;
            }
        });
        """.write(toFile: rule, atomically: true, encoding: .utf8)

        try await withPolkitLab { bus, daemon in
            let member = ["--reuid=\(user)", "--regid=\(group)", "--init-groups"]
            let allowed = try await busctl(as: member, bus, reload(daemon))
            #expect(allowed.status == 0, "\(allowed.stderr)")

            let outsider = try await busctl(
                as: ["--reuid=65534", "--regid=65534", "--clear-groups"], bus, reload(daemon))
            #expect(outsider.status != 0)
        }
    }
}
