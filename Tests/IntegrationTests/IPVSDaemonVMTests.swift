import Foundation
import KeepaliveTestSupport
import Testing

/// ipvsd against a real kernel IPVS: `scripts/ipvs-vm --daemons` builds ipvsd and checkd, boots
/// Debian's kernel under qemu with them, a system bus carrying the repository's policy, busybox
/// real servers in namespaces, and runs Tests/IPVSVM/stages/ipvsd.sh there (and sync-daemon.sh,
/// with vrrpd and Debian's keepalived as its VRRP peer). The expected tables
/// are the ones Debian's keepalived builds from the same files (Tests/IPVSVM/expected).
@Suite("ipvsd in a VM (scripts/ipvs-vm --daemons)", .serialized)
struct IPVSDaemonVMTests {
    static let script = Repository.root + "/scripts/ipvs-vm"
    static let expected = Repository.root + "/Tests/IPVSVM/expected"
    static let keepalived = "/usr/sbin/keepalived"

    /// Cases the stage runs whatever checkd can do; one per sample that has an expected table.
    static var cases: [String] {
        let samples = (try? FileManager.default.contentsOfDirectory(atPath: expected)) ?? []
        return samples.filter { $0.hasPrefix("keepalived.conf.") }.map { "sample-" + $0.dropLast(4) }.sorted()
            + [
                "health-all-up", "nat-data-path", "restart-after-crash-keeps-table-and-counters",
                "restart-keeps-table-and-counters", "hand-changes-repaired",
                "dr-data-path", "sync-daemon-backup-before-vrrpd", "sync-daemon-master-follows-vrrpd",
                "sync-daemon-connections-synced",
            ]
    }

    @Test(
        "ipvsd builds keepalived's tables from Debian's samples, follows health, survives restarts, repairs hand changes, runs lvs_sync_daemon as vrrpd says",
        .enabled(if: getuid() == 0, "needs root: downloads the kernel into /var/cache and boots it under qemu"))
    func ipvsdPassesInTheVM() async throws {
        // The daemons this test run built (debug, beside the test bundle): no second build.
        let daemons = URL(fileURLWithPath: try Repository.binary("ipvsd")).deletingLastPathComponent().path
        // lvs_sync_daemon: vrrpd beside ipvsd, and Debian's keepalived as the higher-priority peer.
        var syncStage = [
            "--with", try Repository.binary("vrrpd"),
            "--stage", Repository.root + "/Tests/IPVSVM/stages/sync-daemon.sh",
        ]
        if FileManager.default.isExecutableFile(atPath: Self.keepalived) { syncStage += ["--with", Self.keepalived] }
        let result = try await run(
            "/bin/bash", [Self.script, "--no-cases", "--daemons"] + syncStage,
            environment: ["VM_TIMEOUT": "900", "VM_MEMORY": "1536", "IPVS_VM_DAEMON_DIR": daemons])
        let log = result.stdout + result.stderr
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let passed = Set(lines.filter { $0.hasPrefix("PASS ") }.map { String($0.dropFirst(5)) })
        let failed = lines.filter { $0.hasPrefix("FAIL ") }
        #expect(failed.isEmpty, "failed in the VM: \(failed)\n\(log)")
        #expect(Self.cases.count > 10, "the expected tables are missing from \(Self.expected)")
        for name in Self.cases {
            #expect(passed.contains(name), "case \(name) did not pass")
        }
        if FileManager.default.isExecutableFile(atPath: Self.keepalived) {
            let name = "sync-daemon-backup-follows-vrrpd"
            #expect(passed.contains(name), "case \(name) did not pass")
        }
        if !lines.contains("SKIP health-*: no checkd in the VM") {
            for name in ["health-rs1-down", "sorry-server-answers", "health-rs1-back"] {
                #expect(passed.contains(name), "case \(name) did not pass")
            }
        }
        #expect(result.status == 0, "scripts/ipvs-vm --daemons failed:\n\(log)")
        #expect(lines.contains("IPVS-VM-RESULT: ok"))
    }
}
