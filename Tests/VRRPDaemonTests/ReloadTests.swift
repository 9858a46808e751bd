import Foundation
import Testing

extension VRRPDaemonIntegrationTests {
    /// SIGHUP with a changed file: what did not change keeps running untouched, a changed
    /// priority applies without a restart, a removed instance stops cleanly, a new one starts.
    @Suite(.enabled(if: getuid() == 0, "needs root: creates network namespaces"))
    struct ReloadTests {
        /// VI_1 (VRID 51, VIP .100) and VI_2 (VRID 52, VIP .101) with these priorities.
        func configuration(_ network: RouterNetwork, _ namespace: String, _ priorities: [String: Int]) -> String {
            priorities.keys.sorted().map { name in
                var instance = TestInstance.on(network, namespace, priority: priorities[name]!)
                instance.name = name
                if name == "VI_2" {
                    instance.virtualRouterID = 52
                    instance.virtualAddress = network.address(101)
                }
                return instance.configuration
            }.joined(separator: "\n")
        }

        @Test func reloadAppliesChangesAndLeavesUnchangedInstancesAlone() async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { busA in
                    try await PrivateBus.with { busB in
                        let configA = configuration(network, network.a, ["VI_1": 150, "VI_2": 150])
                        let configB = configuration(network, network.b, ["VI_1": 100, "VI_2": 100])
                        try await VRRPDProcess.with(namespace: network.a, configuration: configA, bus: busA) { a in
                            try await VRRPDProcess.with(namespace: network.b, configuration: configB, bus: busB) { b in
                                for name in ["VI_1", "VI_2"] {
                                    try await a.waitForState("MASTER", instance: name)
                                    try await b.waitForState("BACKUP", instance: name)
                                }
                                let unchangedSince = try b.property("LastTransition", instance: "VI_1") as? Int

                                // VI_2's priority goes above A's: B takes VI_2 over, VI_1 stays as it was.
                                try b.reload(
                                    configuration: configuration(network, network.b, ["VI_1": 100, "VI_2": 200]))
                                try await b.waitForState("MASTER", instance: "VI_2")
                                try await a.waitForState("BACKUP", instance: "VI_2")
                                try await waitUntil("B holds VI_2's address") {
                                    try network.addresses(in: network.b, interface: network.interfaceB)
                                        .contains(network.address(101))
                                }
                                #expect(try b.property("Priority", instance: "VI_2") as? Int == 200)
                                #expect(try b.state(instance: "VI_1") == "BACKUP")
                                #expect(try b.property("LastTransition", instance: "VI_1") as? Int == unchangedSince)
                                #expect(b.log.contains("VRRP_Instance(VI_2) configuration reloaded"))
                                #expect(!b.log.contains("VRRP_Instance(VI_1) configuration reloaded"))

                                // VI_2 removed: B resigns it cleanly and its object goes away.
                                try b.reload(configuration: configuration(network, network.b, ["VI_1": 100]))
                                try await a.waitForState("MASTER", instance: "VI_2")
                                try await waitUntil("B dropped VI_2's address") {
                                    try !network.addresses(in: network.b, interface: network.interfaceB)
                                        .contains(network.address(101))
                                }
                                #expect(throws: TestFailure.self) { try b.state(instance: "VI_2") }
                                #expect(try b.state(instance: "VI_1") == "BACKUP")

                                // VI_2 back, now below A: it starts as BACKUP.
                                try b.reload(
                                    configuration: configuration(network, network.b, ["VI_1": 100, "VI_2": 50]))
                                try await b.waitForState("BACKUP", instance: "VI_2")
                                #expect(try a.state(instance: "VI_2") == "MASTER")
                            }
                        }
                    }
                }
            }
        }
    }
}
