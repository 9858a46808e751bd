import DBus
import Foundation
import KeepaliveTestSupport
import Testing

/// checkd's methods behind polkit: a real polkitd on a private system bus with the project's
/// bus policy and polkit policy. Serialized: polkitd's action directory is machine-wide.
@Suite(
    .serialized,
    .enabled(if: getuid() == 0, "needs root: installs a polkit policy and runs polkitd"),
    .enabled(
        if: FileManager.default.isExecutableFile(atPath: "/usr/lib/polkit-1/polkitd"),
        "needs Debian's polkitd package"))
struct PolkitCheckdTests {
    static let installedPolicy = "/usr/share/polkit-1/actions/org.keepalive.policy"
    static let nobody = ["--reuid=65534", "--regid=65534", "--clear-groups"]
    static let virtualServer = "[192.0.2.10]:80"
    static let realServer = "[127.0.0.7]:80"
    static let config = """
        virtual_server 192.0.2.10 80 {
            protocol TCP
            real_server 127.0.0.7 80 {
            }
        }
        """

    /// Policy installed, strict private bus, polkitd, checkd; everything put back afterwards.
    func withPolkitLab(_ body: (PrivateBus, CheckdProcess) async throws -> Void) async throws {
        let hadPolicy = FileManager.default.fileExists(atPath: Self.installedPolicy)
        if !hadPolicy {
            try FileManager.default.copyItem(
                atPath: Repository.root + "/polkit/org.keepalive.policy", toPath: Self.installedPolicy)
        }
        defer { if !hadPolicy { try? FileManager.default.removeItem(atPath: Self.installedPolicy) } }
        let bus = try await PrivateBus.start(policyDirectories: [
            Repository.dbusDirectory, "/usr/share/dbus-1/system.d",
        ])
        let polkitd = try ChildProcess(
            "/usr/lib/polkit-1/polkitd", ["--no-debug"], environment: ["DBUS_SYSTEM_BUS_ADDRESS": bus.address])
        do {
            try await TestFiles.with { files in
                let client = try await bus.connect()
                defer { client.close() }
                var ready = false
                for _ in 0..<500 where !ready {
                    ready = (try? await client.nameOwner(of: "org.freedesktop.PolicyKit1")) ?? nil != nil
                    if !ready { try await Task.sleep(for: .milliseconds(20)) }
                }
                guard ready else { throw TestFailure("polkitd never appeared: \(polkitd.stderr)") }
                try await CheckdProcess.with(config: Self.config, in: files.directory, bus: bus) { checkd in
                    try await body(bus, checkd)
                }
            }
        } catch {
            await polkitd.terminate()
            await bus.stop()
            throw error
        }
        await polkitd.terminate()
        await bus.stop()
    }

    func busctl(as user: [String], _ bus: PrivateBus, _ arguments: [String]) async throws -> CommandResult {
        try await run("/usr/bin/setpriv", user + ["/usr/bin/busctl", "--address=\(bus.address)"] + arguments)
    }

    func method(_ name: String) -> [String] {
        [
            "call", CheckdProcess.busName, CheckdProcess.realServerPath(Self.virtualServer, Self.realServer),
            CheckdProcess.realServerInterface, name,
        ]
    }

    var reload: [String] { ["call", CheckdProcess.busName, CheckdProcess.root, CheckdProcess.busName, "Reload"] }

    @Test func anUnprivilegedUserIsRefusedEveryChangeButCanReadEverything() async throws {
        try await withPolkitLab { bus, checkd in
            for call in [method("Drain"), method("Enable"), method("Disable"), reload] {
                let refused = try await busctl(as: Self.nobody, bus, call)
                #expect(refused.status != 0, "\(call.last!) was allowed")
                #expect(refused.stderr.contains("Access denied"), "\(call.last!): \(refused.stderr)")
            }
            #expect(try await checkd.serverProperty(Self.virtualServer, Self.realServer, "AdminState") == #"s "ENABLED""#)

            let read = try await busctl(
                as: Self.nobody, bus,
                [
                    "get-property", CheckdProcess.busName,
                    CheckdProcess.realServerPath(Self.virtualServer, Self.realServer),
                    CheckdProcess.realServerInterface, "Healthy",
                ])
            #expect(read.status == 0, "\(read.stderr)")
            #expect(read.stdout.contains("b true"))
            let managed = try await busctl(
                as: Self.nobody, bus,
                ["call", CheckdProcess.busName, CheckdProcess.root, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects"])
            #expect(managed.status == 0, "\(managed.stderr)")
        }
    }

    @Test func rootIsAllowed() async throws {
        try await withPolkitLab { bus, checkd in
            let drained = try await checkd.busctl(method("Drain"))
            #expect(drained.status == 0, "\(drained.stderr)")
            #expect(try await checkd.serverProperty(Self.virtualServer, Self.realServer, "AdminState") == #"s "DRAINED""#)
            let reloaded = try await checkd.busctl(reload)
            #expect(reloaded.status == 0, "\(reloaded.stderr)")
        }
    }
}
