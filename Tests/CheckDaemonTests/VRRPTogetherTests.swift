import Foundation
import KeepaliveTestSupport
import Testing

/// checkd and a real vrrpd on one private bus: a vrrp_script failing in checkd lowers the
/// instance's EffectivePriority in vrrpd, and ha_suspend follows whether vrrpd holds the VIP.
@Suite(.enabled(if: getuid() == 0, "needs root: creates a network namespace for vrrpd"))
struct VRRPTogetherTests {
    static let instancePath = "/org/keepalive/Vrrp1/instance/VI_5f1"

    /// A namespace with a veth pair for vrrpd, a private bus, test files and a running checkd
    /// whose configuration vrrpd shares.
    func withLab(
        config: (_ subnet: String, _ files: TestFiles) throws -> String,
        _ body: (_ subnet: String, TestFiles, CheckdProcess, _ startVRRPD: () throws -> ChildProcess) async throws ->
            Void
    ) async throws {
        let namespace = try await TestNamespace.create("kacheck")
        do {
            let subnet = "10.\(200 + getpid() % 50).\(getpid() % 250)"
            for command in [
                ["link", "add", "va", "type", "veth", "peer", "name", "vb"],
                ["address", "add", "\(subnet).1/24", "dev", "va"],
                ["link", "set", "va", "up"], ["link", "set", "vb", "up"],
            ] {
                let result = try await run("/usr/sbin/ip", ["-n", namespace.name] + command)
                guard result.status == 0 else { throw TestFailure("ip \(command): \(result.stderr)") }
            }
            try await TestFiles.with { files in
                let text = try config(subnet, files)
                try await withPrivateBus { bus in
                    try await CheckdProcess.with(config: text, in: files.directory, bus: bus) { checkd in
                        var started: [ChildProcess] = []
                        defer { for vrrpd in started { vrrpd.signal(SIGKILL) } }
                        let start = {
                            let (executable, arguments) = namespace.exec(
                                try Repository.binary("vrrpd"),
                                [
                                    "-f", checkd.configPath, "--bus-address", bus.socketAddress,
                                    "--interfaces-directory", Repository.dbusDirectory,
                                ])
                            let vrrpd = try ChildProcess(executable, arguments)
                            started.append(vrrpd)
                            return vrrpd
                        }
                        do {
                            try await body(subnet, files, checkd, start)
                        } catch {
                            throw TestFailure("\(error)\n--- vrrpd stderr ---\n\(started.map(\.stderr).joined())")
                        }
                    }
                }
            }
        } catch {
            await namespace.delete()
            throw error
        }
        await namespace.delete()
    }

    static func instance(_ subnet: String, extra: String = "") -> String {
        """
        vrrp_instance VI_1 {
            state BACKUP
            interface va
            virtual_router_id 61
            priority 150
            advert_int 0.1
            version 3
            \(extra)
            virtual_ipaddress {
                \(subnet).100/24
            }
        }
        """
    }

    func vrrp(_ checkd: CheckdProcess, _ name: String) async throws -> String {
        let result = try await checkd.busctl([
            "get-property", "org.keepalive.Vrrp1", Self.instancePath, "org.keepalive.Vrrp1.Instance", name,
        ])
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aScriptFailingInCheckdLowersTheInstancesEffectivePriority() async throws {
        try await withLab { subnet, files in
            let script = try files.script("chk.sh", "[ -e \(files.path("ok")) ]")
            files.touch("ok")
            return "vrrp_script chk {\n    script \"\(script)\"\n    interval 1\n}\n"
                + Self.instance(subnet, extra: "track_script {\n        chk weight -60\n    }")
        } _: { _, files, checkd, startVRRPD in
            try await checkd.waitFor(#"s "OK""#, "Status") { try await checkd.scriptProperty("chk", "Status") }
            _ = try startVRRPD()
            try await checkd.waitFor(#"s "MASTER""#, "State") { try await vrrp(checkd, "State") }
            try await checkd.waitFor("y 150", "EffectivePriority") { try await vrrp(checkd, "EffectivePriority") }

            files.remove("ok")
            try await checkd.waitFor("y 90", "EffectivePriority") { try await vrrp(checkd, "EffectivePriority") }
            files.touch("ok")
            try await checkd.waitFor("y 150", "EffectivePriority") { try await vrrp(checkd, "EffectivePriority") }
        }
    }

    @Test func haSuspendChecksOnlyWhileVrrpdHoldsTheVIP() async throws {
        try await withLab { subnet, files in
            let counter = try files.script("count.sh", "echo run >> \(files.path("server-runs"))")
            return Self.instance(subnet) + """

                virtual_server \(subnet).100 80 {
                    delay_loop 1
                    protocol TCP
                    ha_suspend
                    real_server \(subnet).20 80 {
                        MISC_CHECK {
                            misc_path "\(counter)"
                            warmup 0
                        }
                    }
                }
                """
        } _: { subnet, files, checkd, startVRRPD in
            let server = "[\(subnet).20]:80"
            // No vrrpd yet: the VIP is not held here, so the real server is not checked.
            try await checkd.waitForLog("Suspending checkers of \(server)")
            #expect(!files.exists("server-runs"))

            let vrrpd = try startVRRPD()
            try await checkd.waitFor(#"s "MASTER""#, "State") { try await vrrp(checkd, "State") }
            try await checkd.waitForLog("Resuming checkers of \(server)")
            try await checkd.waitFor("true", "server checked") { "\(files.exists("server-runs"))" }

            // vrrpd gone: nothing is held, checking stops again.
            vrrpd.signal(SIGKILL)
            _ = await vrrpd.wait(seconds: 10)
            try await checkd.waitFor("2", "suspensions") {
                "\(checkd.log.components(separatedBy: "Suspending checkers of \(server)").count - 1)"
            }
        }
    }
}
