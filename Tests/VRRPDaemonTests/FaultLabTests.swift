import Foundation
import Testing

extension VRRPDaemonIntegrationTests {
    /// Three routers, two VRIDs with opposite priority orders, each instance tracking a checkd
    /// script, and `kill -9` of a random vrrpd or checkd at a random moment, round after round.
    /// After each kill the running routers hold exactly one MASTER per VRID within
    /// Master_Down_Interval + 1 s with the VIP on that MASTER only; after the restart the same
    /// holds across all three, so a crashed run's VIPs never linger. A checkd that is back within
    /// the grace period (5 s) changes nothing at all.
    @Suite(.enabled(if: getuid() == 0, "needs root: creates network namespaces"))
    struct FaultLabTests {
        /// KEEPALIVE_FAULT_ROUNDS overrides; the issue asks for at least 100.
        static let rounds = ProcessInfo.processInfo.environment["KEEPALIVE_FAULT_ROUNDS"].flatMap(Int.init) ?? 100

        @Test func everyRoundEndsWithOneMasterPerVRIDAndNoStrayVIP() async throws {
            try await FaultLab.with { lab in try await runRounds(lab) }
        }

        func runRounds(_ lab: FaultLab) async throws {
            try await lab.converge("the first election", within: .seconds(20))
            var generator = SystemRandomNumberGenerator()
            var killed = [0, 0, 0]
            var checkdKills = 0
            for round in 1...Self.rounds {
                let victim = Int.random(in: 0..<lab.nodes.count, using: &generator)
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...300, using: &generator)))
                if Bool.random(using: &generator) {
                    // checkd: killed and back at once, well inside vrrpd's grace for its scripts.
                    let transitionsBefore = try lab.lastTransitions()
                    let checkd = lab.checkds[victim]!
                    checkd.signal(SIGKILL)
                    await checkd.wait()
                    lab.checkds[victim] = nil
                    checkdKills += 1
                    try await lab.converge("round \(round): after kill -9 of checkd", within: FaultLab.deadline)
                    lab.checkds[victim] = try lab.startCheckd(victim)
                    try await lab.converge("round \(round): after restarting checkd", within: .seconds(20))
                    // Long enough for the new checkd to have run the script and published it.
                    try await Task.sleep(for: .milliseconds(1500))
                    #expect(
                        try lab.lastTransitions() == transitionsBefore,
                        "round \(round): checkd's restart moved an instance")
                    continue
                }
                let daemon = lab.daemons[victim]!
                await daemon.stop(signal: SIGKILL)
                lab.daemons[victim] = nil
                killed[victim] += 1
                try await lab.converge(
                    "round \(round): survivors after kill -9 of \(lab.nodes[victim].namespace)",
                    within: FaultLab.deadline)

                await daemon.cleanUp()
                let node = lab.nodes[victim]
                let restarted = try VRRPDProcess(
                    namespace: node.namespace, configuration: node.configuration, bus: node.bus)
                lab.daemons[victim] = restarted
                try await waitUntil("round \(round): \(node.namespace) runs again") {
                    try FaultLab.instances.allSatisfy {
                        ["BACKUP", "MASTER"].contains((try? restarted.state(instance: $0)) ?? "")
                    }
                }
                // A fresh start: its bus name, its election, and the old run's VIPs gone unless it wins.
                try await lab.converge("round \(round): after restarting \(node.namespace)", within: .seconds(20))
            }
            print(
                "fault lab: \(Self.rounds) rounds, kill -9 of vrrpd per node \(killed), of checkd \(checkdKills),"
                    + " one MASTER per VRID after each")
            #expect(killed.reduce(0, +) + checkdKills == Self.rounds)
        }
    }
}
