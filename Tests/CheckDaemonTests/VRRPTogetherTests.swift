import Foundation
import KeepaliveTestSupport
import Testing

/// checkd and a real vrrpd on one private bus: a vrrp_script failing in checkd lowers the
/// instance's EffectivePriority in vrrpd, and ha_suspend follows whether vrrpd holds the VIP.
@Suite(.enabled(if: getuid() == 0, "needs root: creates a network namespace for vrrpd"))
struct VRRPTogetherTests {
    @Test func aFailingScriptLowersPriorityAndHaSuspendFollowsTheVIP() async throws {
        let namespace = try await TestNamespace.create("kacheck")
        defer { Task { await namespace.delete() } }
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
            let script = try files.script("chk.sh", "[ -e \(files.path("ok")) ]")
            let counter = try files.script("count.sh", "echo run >> \(files.path("server-runs"))")
            files.touch("ok")
            let vip = "\(subnet).100"
            let config = """
                vrrp_script chk {
                    script "\(script)"
                    interval 1
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface va
                    virtual_router_id 61
                    priority 150
                    advert_int 0.1
                    version 3
                    track_script {
                        chk weight -60
                    }
                    virtual_ipaddress {
                        \(vip)/24
                    }
                }
                virtual_server \(vip) 80 {
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
            try await withPrivateBus { bus in
                try await CheckdProcess.with(config: config, in: files.directory, bus: bus) { checkd in
                    // No vrrpd yet: the VIP is not held here, so the real server is not checked.
                    try await checkd.waitForLog("Suspending checkers of [\(subnet).20]:80")
                    try await checkd.waitFor(#"s "OK""#, "Status") { try await checkd.scriptProperty("chk", "Status") }
                    #expect(!files.exists("server-runs"))

                    let (executable, arguments) = namespace.exec(
                        try Repository.binary("vrrpd"),
                        [
                            "-f", checkd.configPath, "--bus-address", bus.socketAddress, "--interfaces-directory",
                            Repository.dbusDirectory,
                        ])
                    let vrrpd = try ChildProcess(executable, arguments)
                    defer { vrrpd.signal(SIGKILL) }
                    let instance = "/org/keepalive/Vrrp1/instance/VI_5f1"
                    func vrrp(_ name: String) async throws -> String {
                        let result = try await checkd.busctl([
                            "get-property", "org.keepalive.Vrrp1", instance, "org.keepalive.Vrrp1.Instance", name,
                        ])
                        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                    }
                    do {
                        try await checkd.waitFor(#"s "MASTER""#, "State") { try await vrrp("State") }
                        #expect(try await vrrp("EffectivePriority") == "y 150")
                        // vrrpd holds the VIP: checking starts.
                        try await checkd.waitForLog("Resuming checkers of [\(subnet).20]:80")
                        try await checkd.waitFor("true", "server checked") { "\(files.exists("server-runs"))" }

                        files.remove("ok")
                        try await checkd.waitFor("y 90", "EffectivePriority") { try await vrrp("EffectivePriority") }
                        files.touch("ok")
                        try await checkd.waitFor("y 150", "EffectivePriority") { try await vrrp("EffectivePriority") }

                        // vrrpd gone: nothing is held, checking stops again.
                        vrrpd.signal(SIGKILL)
                        _ = await vrrpd.wait(seconds: 10)
                        try await checkd.waitFor("2", "suspensions") {
                            "\(checkd.log.components(separatedBy: "Suspending checkers of [\(subnet).20]:80").count - 1)"
                        }
                    } catch {
                        throw TestFailure("\(error)\n--- vrrpd stderr ---\n\(vrrpd.stderr)")
                    }
                }
            }
        }
    }
}
