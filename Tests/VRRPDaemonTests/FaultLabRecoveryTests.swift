import Foundation
import Testing

extension VRRPDaemonIntegrationTests {
    /// The fault lab's other faults (issue 8, section 3): a router's bus restarting, checkd gone
    /// for longer than vrrpd's grace for its scripts, and a broken file given on reload. Same
    /// three routers, same two VRIDs at v3 0.1 s, same tracked script as the kill rounds.
    @Suite(.enabled(if: getuid() == 0, "needs root: creates network namespaces"))
    struct FaultLabRecoveryTests {
        /// Each router's dbus-daemon in turn goes away for a second and comes back at the same
        /// address: vrrpd and checkd reconnect and own their names again, `kactl status` shows
        /// the same instances (state, priorities, LastTransition), the same script status and the
        /// same VIPs as before; and past the scripts' grace nothing has moved either, so vrrpd
        /// found checkd's Script objects again instead of counting the script as failed.
        @Test func aRestartedBusChangesNothingAndTheDaemonsComeBackOnIt() async throws {
            try await FaultLab.with { lab in
                try await lab.converge("the first election", within: .seconds(20))
                try await lab.waitForScriptsOK()
                let before = try lab.statuses()
                for (index, status) in before.enumerated() {
                    #expect(status.daemons["vrrpd"]?.hasPrefix("running") == true)
                    #expect(status.daemons["checkd"]?.hasPrefix("running") == true)
                    #expect(status.scripts == [FaultLab.script: "OK"])
                    #expect(status.instances.count == FaultLab.instances.count, "\(lab.nodes[index].namespace)")
                }
                for index in lab.nodes.indices {
                    let namespace = lab.nodes[index].namespace
                    try await lab.nodes[index].bus.restart(after: .seconds(1))
                    try await lab.waitForStatus(index, before[index], "\(namespace): both daemons back on the new bus")
                    #expect(try lab.disagreement() == nil)
                    #expect(lab.daemons[index]!.log.contains("Lost the D-Bus connection"))
                    #expect(lab.checkds[index]!.log.contains("Lost the D-Bus connection"))
                }
                // Beyond the grace a script without status counts as failed and would move VI_51
                // from a to b: nothing may have changed anywhere.
                try await Task.sleep(for: FaultLab.scriptGrace + .seconds(1))
                #expect(try lab.statuses() == before)
                #expect(try lab.disagreement() == nil)
                for (index, daemon) in lab.daemons.enumerated() {
                    #expect(
                        !daemon!.log.contains("has no status from org.keepalive.Check1"),
                        "\(lab.nodes[index].namespace)")
                }
            }
        }

        /// checkd on a (MASTER of VI_51 at 150) stops for good: its script keeps OK for the grace
        /// (5 s), then counts as failed (logged): VI_51's effective priority falls to 150 - 60 = 90
        /// and b (100) takes VI_51 over, never before the grace ran out. VI_52 stays on c. When
        /// checkd comes back, a's script is OK again, its priority 150, and a preempts VI_51 back.
        @Test func checkdGoneBeyondTheGraceFailsItsScriptsUntilItReturns() async throws {
            try await FaultLab.with { lab in
                try await lab.converge("the first election", within: .seconds(20))
                try await lab.waitForScriptsOK()
                let (a, b, c) = (lab.nodes[0].namespace, lab.nodes[1].namespace, lab.nodes[2].namespace)
                #expect(try lab.master(of: "VI_51") == a)
                #expect(try lab.master(of: "VI_52") == c)
                let vrrpdA = lab.daemons[0]!

                let stoppedAt = UInt64(Date().timeIntervalSince1970 * 1_000_000)
                let checkd = lab.checkds[0]!
                checkd.signal(SIGKILL)
                await checkd.wait()
                lab.checkds[0] = nil

                try await waitUntil("a counts \(FaultLab.script) as failed", timeout: .seconds(30)) {
                    vrrpdA.log.contains("VRRP_Script(\(FaultLab.script)) has no status from org.keepalive.Check1")
                }
                try await waitUntil("b takes VI_51 over", timeout: .seconds(30)) {
                    try lab.master(of: "VI_51") == b
                }
                try await lab.converge("after a's script counted as failed", within: FaultLab.deadline)
                #expect(try lab.master(of: "VI_52") == c)
                #expect(
                    try vrrpdA.property("EffectivePriority", instance: "VI_51") as? Int == 150 + FaultLab.scriptWeight)
                #expect(try vrrpdA.state(instance: "VI_51") == "BACKUP")
                // a left MASTER only once the grace had run out (a lower bound: load only delays it).
                let leftAt = try #require(try vrrpdA.property("LastTransition", instance: "VI_51") as? UInt64)
                let grace = UInt64(FaultLab.scriptGrace.components.seconds) * 1_000_000
                #expect(
                    leftAt >= stoppedAt + grace,
                    "a left MASTER \((Double(leftAt) - Double(stoppedAt)) / 1e6) s after checkd")
                let statusA = try lab.status(0)
                #expect(statusA.daemons["checkd"] == "down")
                #expect(statusA.scripts.isEmpty)

                lab.checkds[0] = try lab.startCheckd(0)
                try await waitUntil("a preempts VI_51 back", timeout: .seconds(30)) {
                    try lab.master(of: "VI_51") == a
                }
                try await lab.converge("after checkd's return", within: FaultLab.deadline)
                #expect(try lab.scriptStatus(0) == "OK")
                #expect(try vrrpdA.property("EffectivePriority", instance: "VI_51") as? Int == 150)
                #expect(try lab.master(of: "VI_52") == c)
            }
        }

        /// A broken file given to every router on reload (`kactl reload`, which asks vrrpd and
        /// checkd; then SIGHUP to both): refused with its location, and nothing changes: no
        /// configuration load, no transition, no priority, no script status, no VIP. The broken
        /// files would swap the routers' priorities if any part of them were taken. A good file
        /// afterwards is taken and, being the same as the running one, moves nothing either.
        @Test func aBrokenFileOnReloadIsRefusedAndNothingChanges() async throws {
            try await FaultLab.with { lab in
                try await lab.converge("the first election", within: .seconds(20))
                try await lab.waitForScriptsOK()
                let before = try lab.statuses()
                let swapped = [(50, 150), (100, 100), (150, 50)]
                let variants: [(String, String?)] = [
                    ("an unclosed block", "vrrp_script broken {\n"), ("priority 300", nil),
                ]
                for (round, (variant, breakage)) in variants.enumerated() {
                    for index in lab.nodes.indices {
                        let node = lab.nodes[index]
                        var broken = FaultLab.configuration(
                            lab.network, interface: node.interface, priorities: swapped[index])
                        if let breakage {
                            broken += breakage
                        } else {
                            broken = broken.replacingOccurrences(of: "priority 100\n", with: "priority 300\n")
                                .replacingOccurrences(of: "priority 150\n", with: "priority 300\n")
                        }
                        try lab.daemons[index]!.writeConfiguration(broken)
                        let reload = try lab.kactl(index, ["reload"])
                        #expect(reload.status == 1, "\(variant): kactl reload: \(reload.output)")
                        #expect(reload.output.contains("keepalived.conf:"), "\(variant): \(reload.output)")
                        for daemon in ["vrrpd", "checkd"] {
                            #expect(
                                reload.output.contains("\(daemon): configuration refused, the running one is kept"),
                                "\(variant): \(reload.output)")
                        }
                        lab.daemons[index]!.process.signal(SIGHUP)
                        lab.checkds[index]!.signal(SIGHUP)
                    }
                    for index in lab.nodes.indices {
                        let vrrpd = lab.daemons[index]!
                        let checkd = lab.checkds[index]!
                        // Each refused twice per broken file: Reload() from kactl, then SIGHUP.
                        let refusals = 2 * (round + 1)
                        try await waitUntil("\(variant): both daemons in \(lab.nodes[index].namespace) refuse") {
                            vrrpd.log.components(separatedBy: "Reload refused").count > refusals
                                && checkd.log.components(separatedBy: "Reload refused").count > refusals
                        }
                    }
                    // Some adverts later, still exactly as before.
                    try await Task.sleep(for: .seconds(1))
                    #expect(try lab.statuses() == before, "\(variant)")
                    #expect(try lab.disagreement() == nil)
                }
                // The running file again: taken (a new load time), and nothing else moves.
                for index in lab.nodes.indices {
                    try lab.daemons[index]!.writeConfiguration(lab.nodes[index].configuration)
                    let reload = try lab.kactl(index, ["reload"])
                    #expect(reload.status == 0, "kactl reload: \(reload.output)")
                }
                let after = try lab.statuses()
                #expect(after != before)
                #expect(try lab.statuses(withLoadTimes: false) == before.map { $0.withoutLoadTimes })
                #expect(try lab.disagreement() == nil)
            }
        }
    }
}
