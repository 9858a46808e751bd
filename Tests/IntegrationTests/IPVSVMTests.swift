import Foundation
import KeepaliveTestSupport
import Testing

/// scripts/ipvs-vm for real: Debian's kernel under qemu with the ip_vs modules, the static
/// ipvs-vm-test driver inside. The host kernel has no IPVS, so this is where the IPVS module
/// meets a real kernel table. Needs root: the rig downloads and unpacks the kernel package into
/// /var/cache/keepalive-ipvs-vm.
@Suite("IPVS in a VM (scripts/ipvs-vm)", .serialized)
struct IPVSVMTests {
    static let script = Repository.root + "/scripts/ipvs-vm"

    /// Every case the driver runs; a case that silently stops running fails this test.
    static let cases = [
        "family-resolved", "tcp-rr-two-nat-destinations", "edit-weight", "duplicate-add-refused",
        "delete-destination", "edit-service-scheduler", "fwmark-service", "udp-persistence", "ipv6-service",
        "dr-destination", "tunnel-destinations", "sh-scheduler-flags", "lvs-timeouts", "zero-counters",
        "missing-entries", "delete-everything", "every-scheduler", "sctp-service", "ipv6-fwmark-service",
        "persistence-engine-sip", "gre-tunnel-and-mh-flags", "stats-read-back", "local-traffic-counters",
        "large-table", "nat-data-path", "dr-data-path", "sync-daemon-backup-to-master",
        "sync-daemon-stop-right-after-start",
    ]

    @Test(
        "every driver case passes against the VM's kernel IPVS, read back by the API and ipvsadm",
        .enabled(if: getuid() == 0, "needs root: downloads the kernel into /var/cache and boots it under qemu"))
    func driverPassesInTheVM() async throws {
        let result = try await run("/bin/bash", [Self.script])
        let log = result.stdout + result.stderr
        #expect(result.status == 0, "scripts/ipvs-vm failed:\n\(log)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let passed = Set(lines.filter { $0.hasPrefix("PASS ") }.map { String($0.dropFirst(5)) })
        let failed = lines.filter { $0.hasPrefix("FAIL ") }
        #expect(failed.isEmpty, "failed in the VM: \(failed)")
        for name in Self.cases {
            #expect(passed.contains(name), "case \(name) did not pass:\n\(log)")
        }
        #expect(lines.contains("\(Self.cases.count) passed, 0 failed"), "no clean summary line:\n\(log)")
        #expect(lines.contains("IPVS-VM-RESULT: ok"))
    }

    @Test(
        "the rig fails loudly, with the console, when the VM cannot boot",
        .enabled(if: getuid() == 0, "needs root: the rig unpacks the kernel package into /var/cache"))
    func failsWhenTheVMCannotBoot() async throws {
        let directory = try Repository.temporaryDirectory("ipvs-vm-badkernel")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let bogus = directory + "/not-a-kernel"
        try Data("this is not a kernel image\n".utf8).write(to: URL(fileURLWithPath: bogus))
        let result = try await run(
            "/bin/bash", [Self.script, "--no-driver", "--kernel", bogus], environment: ["VM_TIMEOUT": "60"])
        #expect(result.status != 0, "a VM without a kernel was reported as passing:\n\(result.stdout)")
        #expect(result.stderr.contains("ipvs-vm: FAILED; VM console follows"), "stderr: \(result.stderr)")
        #expect(!result.stdout.contains("IPVS-VM-RESULT: ok"))
    }

    @Test(
        "on this host, which has no IPVS, the driver says so and fails instead of pretending",
        .enabled(if: !FileManager.default.fileExists(atPath: "/proc/net/ip_vs"), "this host kernel has IPVS"))
    func hostWithoutIPVSIsReported() async throws {
        let result = try await run(try Repository.binary("ipvs-vm-test"), [])
        #expect(result.status != 0)
        #expect(result.stdout.contains("FAIL family-resolved: IPVS is not available"), "stdout: \(result.stdout)")
        #expect(result.stdout.contains("0 passed, 1 failed"))
    }
}
