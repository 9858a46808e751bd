import Foundation
import KeepaliveTestSupport
import Testing

/// ipvsd in the VM under polkit and under kills: each test boots its own VM with the daemons
/// this test run built and one stage script, so a failure points at one scenario.
extension IPVSDaemonVMTests {
    /// What one VM run printed: the stage's PASS and FAIL lines, and everything for messages.
    struct StageRun {
        var result: CommandResult
        var lines: [String] { result.stdout.split(separator: "\n").map(String.init) }
        var passed: [String] { lines.filter { $0.hasPrefix("PASS ") }.map { String($0.dropFirst(5)) } }
        var failed: [String] { lines.filter { $0.hasPrefix("FAIL ") } }
        var log: String { result.stdout + result.stderr }

        func passed(_ name: String) -> Bool {
            passed.contains { $0 == name || $0.hasPrefix(name + " ") }
        }
    }

    /// Boots the VM with ipvsd and checkd from this build (stripped on the way in) and the
    /// given scripts/ipvs-vm arguments. `--no-driver`: no static driver to build, no ipvsd stage;
    /// init only checks that IPVS loads before the stages run.
    static func runStage(_ arguments: [String], timeout: Int) async throws -> StageRun {
        let daemons = URL(fileURLWithPath: try Repository.binary("ipvsd")).deletingLastPathComponent().path
        let result = try await run(
            "/bin/bash",
            [script, "--no-driver", "--with", daemons + "/ipvsd", "--with", daemons + "/checkd"] + arguments,
            environment: ["VM_TIMEOUT": String(timeout), "VM_MEMORY": "1536"])
        return StageRun(result: result)
    }

    /// Issue 7: Reload and Sync, the methods of org.keepalive.Ipvs1 that change something, ask
    /// polkit for org.keepalive.ipvs.manage; a real polkitd answers on the VM's bus.
    @Test(
        "ipvsd's Reload and Sync: an unprivileged user is refused but reads, root is allowed, a group rule lets members in",
        .enabled(if: getuid() == 0, "needs root: downloads the kernel into /var/cache and boots it under qemu"),
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: "/usr/lib/polkit-1/polkitd"),
            "needs Debian's polkitd package"))
    func polkitGuardsIpvsdInTheVM() async throws {
        let stage = try await Self.runStage(["--polkit"], timeout: 600)
        #expect(stage.failed.isEmpty, "failed in the VM: \(stage.failed)\n\(stage.log)")
        for name in [
            "polkit-polkitd-on-the-bus", "polkit-ipvsd-on-the-bus", "polkit-table-built",
            "polkit-unprivileged-reload-refused", "polkit-unprivileged-sync-refused", "polkit-unprivileged-reads",
            "polkit-root-reload-allowed", "polkit-root-sync-allowed", "polkit-group-rule-reload-allowed",
            "polkit-group-rule-sync-allowed", "polkit-outsider-still-refused",
        ] {
            #expect(stage.passed(name), "case \(name) did not pass")
        }
        #expect(stage.result.status == 0, "scripts/ipvs-vm --polkit failed:\n\(stage.log)")
    }

    /// Issue 8: kill -9 ipvsd or checkd at random moments, during health flips and reloads too;
    /// the kernel table must end as the configuration and health say. Rounds:
    /// IPVS_VM_CONVERGE_ROUNDS (default 20).
    @Test(
        "the IPVS table converges after ipvsd or checkd is killed at random moments",
        .enabled(if: getuid() == 0, "needs root: downloads the kernel into /var/cache and boots it under qemu"))
    func tableConvergesUnderKills() async throws {
        let environment = ProcessInfo.processInfo.environment
        let rounds = Int(environment["IPVS_VM_CONVERGE_ROUNDS"] ?? "") ?? 20
        var arguments = ["--stage", Repository.root + "/Tests/IPVSVM/stages/converge.sh"]
        arguments += ["--env", "CONVERGE_ROUNDS=\(rounds)"]
        if let seed = environment["IPVS_VM_CONVERGE_SEED"] { arguments += ["--env", "CONVERGE_SEED=\(seed)"] }
        let stage = try await Self.runStage(arguments, timeout: 300 + 60 * rounds)
        #expect(stage.failed.isEmpty, "failed in the VM: \(stage.failed)\n\(stage.log)")
        #expect(stage.passed("converge-start"))
        let roundsPassed = stage.passed.filter { $0.hasPrefix("converge-round-") }.count
        #expect(roundsPassed == rounds, "\(roundsPassed) of \(rounds) rounds passed")
        #expect(stage.passed("converge-all-rounds"))
        #expect(stage.passed("converge-settled"))
        #expect(stage.result.status == 0, "the convergence stage failed:\n\(stage.log)")
        // The VM's own account (rounds, seed, slowest convergence) for CI's log.
        for line in stage.lines where line.hasPrefix("TIME converge ") { print(line) }
    }
}
