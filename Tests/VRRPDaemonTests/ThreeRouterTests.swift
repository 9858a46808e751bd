import Foundation
import Testing

extension VRRPDaemonIntegrationTests {
    /// Three vrrpd on one switch, priorities 150, 100 and 50: mastership goes down the priority
    /// order when the master dies, never skips the next in line, and comes back when the
    /// highest returns (preempt is the default).
    @Suite(.enabled(if: getuid() == 0, "needs root: creates network namespaces"))
    struct ThreeRouterTests {
        /// One router of the three: its namespace, its veth and the instance it runs.
        struct Router {
            let namespace: String
            let interface: String
            let instance: TestInstance
        }

        static func routers(_ network: RouterNetwork) -> (high: Router, middle: Router, low: Router) {
            func router(_ namespace: String, _ interface: String, _ priority: Int) -> Router {
                Router(
                    namespace: namespace, interface: interface,
                    instance: TestInstance(
                        interface: interface, priority: priority, virtualAddress: network.virtualAddress))
            }
            // The client namespace serves as the third router: it is one more port on the switch.
            return (
                router(network.a, network.interfaceA, 150), router(network.b, network.interfaceB, 100),
                router(network.c, network.interfaceC, 50)
            )
        }

        /// Waits until `master` is the only MASTER among `running` (State read over D-Bus) and
        /// the only one of them whose interface holds the VIP, then checks it stays so for a few
        /// more adverts.
        static func expectSoleMaster(
            _ master: VRRPDProcess, among running: [(VRRPDProcess, Router)], _ network: RouterNetwork
        ) async throws {
            func masters() throws -> [String] {
                try running.filter { try $0.0.state() == "MASTER" }.map(\.0.namespace)
            }
            func holders() throws -> [String] {
                try running.map(\.1).filter {
                    try network.addresses(in: $0.namespace, interface: $0.interface).contains(network.virtualAddress)
                }.map(\.namespace)
            }
            let expected = [master.namespace]
            try await waitUntil("\(master.namespace) is the only MASTER and the only VIP holder") {
                try masters() == expected && holders() == expected
            }
            try await Task.sleep(for: .milliseconds(500))
            #expect(try masters() == expected)
            #expect(try holders() == expected)
            for (router, _) in running where router !== master {
                #expect(try router.state() == "BACKUP")
            }
        }

        @Test func nextInLineTakesOverAndTheHighestPreemptsWhenItReturns() async throws {
            try await RouterNetwork.with { network in
                let (high, middle, low) = Self.routers(network)
                try await PrivateBus.with { busHigh in
                    try await PrivateBus.with { busMiddle in
                        try await PrivateBus.with { busLow in
                            try await VRRPDProcess.with(
                                namespace: middle.namespace, configuration: middle.instance.configuration,
                                bus: busMiddle
                            ) { middleDaemon in
                                try await VRRPDProcess.with(
                                    namespace: low.namespace, configuration: low.instance.configuration, bus: busLow
                                ) { lowDaemon in
                                    let others = [(middleDaemon, middle), (lowDaemon, low)]
                                    // The 150 wins; then it dies hard: killed, its link down.
                                    try await VRRPDProcess.with(
                                        namespace: high.namespace, configuration: high.instance.configuration,
                                        bus: busHigh
                                    ) { highDaemon in
                                        try await Self.expectSoleMaster(
                                            highDaemon, among: [(highDaemon, high)] + others, network)
                                        await highDaemon.stop(signal: SIGKILL)
                                        try ip("-n", high.namespace, "link", "set", high.interface, "down")
                                    }
                                    // The 100 takes over, not the 50, which follows it.
                                    try await Self.expectSoleMaster(middleDaemon, among: others, network)
                                    #expect(
                                        try middleDaemon.property("LastReason") as? String
                                            == "master down timer expired")
                                    try await waitUntil("the 50 follows the 100") {
                                        try lowDaemon.property("MasterAddress") as? String == network.addressB
                                    }
                                    // The 150 comes back and preempts.
                                    try ip("-n", high.namespace, "link", "set", high.interface, "up")
                                    try await VRRPDProcess.with(
                                        namespace: high.namespace, configuration: high.instance.configuration,
                                        bus: busHigh
                                    ) { highDaemon in
                                        try await Self.expectSoleMaster(
                                            highDaemon, among: [(highDaemon, high)] + others, network)
                                        try await waitUntil("both backups follow the 150 again") {
                                            try others.allSatisfy {
                                                try $0.0.property("MasterAddress") as? String == network.addressA
                                            }
                                        }
                                        #expect(middleDaemon.log.contains("VRRP_Instance(VI_1) Entering BACKUP STATE"))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
