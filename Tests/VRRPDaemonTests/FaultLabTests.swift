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

        struct Node {
            let namespace: String
            let interface: String
            let bus: PrivateBus
            let configuration: String
        }

        /// VRID 51 (VIP .100) prefers a, b, c; VRID 52 (VIP .101) prefers c, b, a.
        static func configuration(_ network: RouterNetwork, interface: String, priorities: (Int, Int)) -> String {
            var first = TestInstance(interface: interface, priority: priorities.0, virtualAddress: network.address(100))
            first.name = "VI_51"
            var second = TestInstance(
                interface: interface, priority: priorities.1, virtualAddress: network.address(101))
            second.name = "VI_52"
            second.virtualRouterID = 52
            // Both track a script checkd runs; were its status lost, the weight would move the VIPs.
            first.extra = ["track_script {", "    alive", "}"]
            second.extra = first.extra
            let script = """
                vrrp_script alive {
                    script "/bin/true"
                    interval 1
                    weight -60
                }

                """
            return script + first.configuration + second.configuration
        }

        /// Master_Down_Interval at the lowest priority (50) with 0.1 s adverts, plus the 1 s the
        /// issue allows.
        static let deadline: Duration = {
            let masterDownMilliseconds = 3 * 100 + (256 - 50) * 100 / 256
            return .milliseconds(masterDownMilliseconds + 1000)
        }()

        @Test func everyRoundEndsWithOneMasterPerVRIDAndNoStrayVIP() async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { busA in
                    try await PrivateBus.with { busB in
                        try await PrivateBus.with { busC in
                            let nodes = [
                                Node(
                                    namespace: network.a, interface: network.interfaceA, bus: busA,
                                    configuration: Self.configuration(
                                        network, interface: network.interfaceA, priorities: (150, 50))),
                                Node(
                                    namespace: network.b, interface: network.interfaceB, bus: busB,
                                    configuration: Self.configuration(
                                        network, interface: network.interfaceB, priorities: (100, 100))),
                                Node(
                                    namespace: network.c, interface: network.interfaceC, bus: busC,
                                    configuration: Self.configuration(
                                        network, interface: network.interfaceC, priorities: (50, 150))),
                            ]
                            try await runLab(nodes, network)
                        }
                    }
                }
            }
        }

        func runLab(_ nodes: [Node], _ network: RouterNetwork) async throws {
            var daemons: [VRRPDProcess?] = try nodes.map {
                try VRRPDProcess(namespace: $0.namespace, configuration: $0.configuration, bus: $0.bus)
            }
            var checkds: [ChildProcess] = try nodes.indices.map { try startCheckd(nodes[$0], daemons[$0]!) }
            defer {
                for daemon in daemons {
                    if let daemon { kill(daemon.process.pid, SIGKILL) }
                }
                for checkd in checkds { kill(checkd.pid, SIGKILL) }
            }
            let instances = ["VI_51", "VI_52"]
            let vips = ["VI_51": network.address(100), "VI_52": network.address(101)]

            /// nil when the running nodes agree: one MASTER per instance, holding its VIP alone.
            func disagreement() throws -> String? {
                for instance in instances {
                    var masters: [String] = []
                    var holders: [String] = []
                    for (index, node) in nodes.enumerated() {
                        guard let daemon = daemons[index] else { continue }
                        guard daemon.process.isRunning else { throw TestFailure("vrrpd died: \(daemon.log)") }
                        if (try? daemon.state(instance: instance)) == "MASTER" { masters.append(node.namespace) }
                        let addresses = try network.addresses(in: node.namespace, interface: node.interface)
                        if addresses.contains(vips[instance]!) { holders.append(node.namespace) }
                    }
                    if masters.count != 1 || holders != masters {
                        return "\(instance): masters \(masters), VIP on \(holders)"
                    }
                }
                return nil
            }

            /// Every instance's LastTransition on every running node: equal means no transition.
            func lastTransitions() throws -> [String] {
                try nodes.indices.flatMap { index in
                    try instances.map { instance in
                        "\(nodes[index].namespace) \(instance) "
                            + "\(try daemons[index]?.property("LastTransition", instance: instance) ?? "-")"
                    }
                }
            }

            func converge(_ what: String, within limit: Duration) async throws {
                var last: String?
                do {
                    try await waitUntil(what, timeout: limit) {
                        last = try disagreement()
                        return last == nil
                    }
                } catch {
                    throw TestFailure("\(what): \(last ?? "\(error)")")
                }
            }

            try await converge("the first election", within: .seconds(20))
            var generator = SystemRandomNumberGenerator()
            var killed = [0, 0, 0]
            var checkdKills = 0
            for round in 1...Self.rounds {
                let victim = Int.random(in: 0..<nodes.count, using: &generator)
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...300, using: &generator)))
                if Bool.random(using: &generator) {
                    // checkd: killed and back at once, well inside vrrpd's grace for its scripts.
                    let transitionsBefore = try lastTransitions()
                    kill(checkds[victim].pid, SIGKILL)
                    _ = await checkds[victim].wait()
                    checkdKills += 1
                    try await converge("round \(round): after kill -9 of checkd", within: Self.deadline)
                    checkds[victim] = try startCheckd(nodes[victim], daemons[victim]!)
                    try await converge("round \(round): after restarting checkd", within: .seconds(20))
                    // Long enough for the new checkd to have run the script and published it.
                    try await Task.sleep(for: .milliseconds(1500))
                    #expect(
                        try lastTransitions() == transitionsBefore, "round \(round): checkd's restart moved an instance"
                    )
                    continue
                }
                let daemon = daemons[victim]!
                kill(daemon.process.pid, SIGKILL)
                _ = await daemon.process.wait()
                daemons[victim] = nil
                killed[victim] += 1
                try await converge(
                    "round \(round): survivors after kill -9 of \(nodes[victim].namespace)", within: Self.deadline)

                await daemon.cleanUp()
                let node = nodes[victim]
                let restarted = try VRRPDProcess(
                    namespace: node.namespace, configuration: node.configuration, bus: node.bus)
                daemons[victim] = restarted
                try await waitUntil("round \(round): \(node.namespace) runs again") {
                    try instances.allSatisfy {
                        ["BACKUP", "MASTER"].contains((try? restarted.state(instance: $0)) ?? "")
                    }
                }
                // A fresh start: its bus name, its election, and the old run's VIPs gone unless it wins.
                try await converge("round \(round): after restarting \(node.namespace)", within: .seconds(20))
            }
            print(
                "fault lab: \(Self.rounds) rounds, kill -9 of vrrpd per node \(killed), of checkd \(checkdKills),"
                    + " one MASTER per VRID after each")
            #expect(killed.reduce(0, +) + checkdKills == Self.rounds)
        }

        /// checkd beside a node's vrrpd: same namespace, same bus, same file.
        func startCheckd(_ node: Node, _ vrrpd: VRRPDProcess) throws -> ChildProcess {
            let checkd = URL(fileURLWithPath: try VRRPDProcess.executable()).deletingLastPathComponent()
                .appendingPathComponent("checkd").path
            return try ChildProcess(
                "/usr/sbin/ip",
                [
                    "netns", "exec", node.namespace, checkd, "-f", vrrpd.directory + "/keepalived.conf",
                    "--bus-address", node.bus.address, "--interfaces-directory", VRRPDProcess.interfacesDirectory,
                ], logPath: vrrpd.directory + "/checkd.log")
        }
    }
}
