import Foundation
import KeepaliveTestSupport
import Testing

/// The README's first command, run for real with the binaries this test run was built with and
/// no pauses: it must fail over, switch over and clean up after itself.
@Suite("scripts/demo")
struct DemoTests {
    @Test(.enabled(if: getuid() == 0, "needs root: the demo creates network namespaces"))
    func theDemoFailsOverAndSwitchesOver() async throws {
        let binaries = URL(fileURLWithPath: try Repository.binary("vrrpd")).deletingLastPathComponent().path
        var environment = ProcessInfo.processInfo.environment
        environment["DEMO_BIN"] = binaries
        environment["DEMO_PAUSE"] = "0"
        let result = try await run(
            "/usr/bin/timeout", ["-s", "KILL", "300", Repository.root + "/scripts/demo"], environment: environment)
        #expect(result.status == 0, "demo failed: \(result.stderr)")
        for line in [
            "VI_1 BACKUP -> MASTER (master down timer expired)",
            "(router B's MAC, from its gratuitous ARP)",
            "VI_1 MASTER -> BACKUP (switchover requested)",
            "packets transmitted",
            "Everything the demo created is being removed.",
        ] {
            #expect(result.stdout.contains(line), "the demo did not print \(line)")
        }
        // Its namespaces are gone.
        let namespaces = try await run("/usr/sbin/ip", ["netns", "list"])
        #expect(!namespaces.stdout.contains("demo"))
    }
}
