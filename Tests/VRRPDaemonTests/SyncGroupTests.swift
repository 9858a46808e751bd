import Foundation
import Testing

extension VRRPDaemonIntegrationTests {
    /// `vrrp_sync_group` with real vrrpd processes: one member's fault carries the whole group.
    @Suite(.enabled(if: getuid() == 0, "needs root: creates network namespaces"))
    struct SyncGroupTests {
        /// Group G of VI_1 (VRID 51, VIP .100) and VI_2 (VRID 52, VIP .101); VI_2 on A also tracks
        /// the extra link `vx` with weight 0, so `vx` down means FAULT for VI_2.
        func configuration(_ network: RouterNetwork, _ namespace: String, priority: Int) -> String {
            var first = TestInstance.on(network, namespace, priority: priority)
            var second = first
            first.name = "VI_1"
            second.name = "VI_2"
            second.virtualRouterID = 52
            second.virtualAddress = network.address(101)
            if namespace == network.a { second.extra = ["track_interface {", "    vx", "}"] }
            let group = "vrrp_sync_group G {\n    group {\n        VI_1\n        VI_2\n    }\n}\n"
            return group + first.configuration + second.configuration
        }

        @Test func oneMembersFaultCarriesTheWholeGroup() async throws {
            try await RouterNetwork.with { network in
                try ip("-n", network.a, "link", "add", "vx", "type", "veth", "peer", "name", "vy")
                try ip("-n", network.a, "link", "set", "vx", "up")
                try ip("-n", network.a, "link", "set", "vy", "up")
                try await PrivateBus.with { busA in
                    try await PrivateBus.with { busB in
                        let configA = configuration(network, network.a, priority: 150)
                        let configB = configuration(network, network.b, priority: 100)
                        try await VRRPDProcess.with(namespace: network.a, configuration: configA, bus: busA) { a in
                            try await VRRPDProcess.with(namespace: network.b, configuration: configB, bus: busB) { b in
                                for name in ["VI_1", "VI_2"] {
                                    try await a.waitForState("MASTER", instance: name)
                                    try await b.waitForState("BACKUP", instance: name)
                                }
                                let groupPath = VRRPDProcess.rootPath + "/group/G"
                                let groupInterface = "org.keepalive.Vrrp1.SyncGroup"
                                try await waitUntil("A's group is MASTER") {
                                    try a.property("State", path: groupPath, interface: groupInterface) as? String
                                        == "MASTER"
                                }
                                #expect(
                                    try a.property("Members", path: groupPath, interface: groupInterface) as? [String]
                                        == ["VI_1", "VI_2"])

                                // Only VI_2 tracks vx, but VI_1 follows it into FAULT: B takes both.
                                try ip("-n", network.a, "link", "set", "vy", "down")
                                try await a.waitForState("FAULT", instance: "VI_2")
                                try await a.waitForState("FAULT", instance: "VI_1")
                                try await b.waitForState("MASTER", instance: "VI_1")
                                try await b.waitForState("MASTER", instance: "VI_2")
                                #expect(
                                    try a.property("State", path: groupPath, interface: groupInterface) as? String
                                        == "FAULT")
                                try await waitUntil("A dropped both VIPs") {
                                    let held = try network.addresses(in: network.a, interface: network.interfaceA)
                                    return !held.contains(network.address(100)) && !held.contains(network.address(101))
                                }
                                #expect(a.log.contains("VRRP_Group(G) Syncing instances to FAULT state"))

                                // vx back: the group leaves FAULT together and preempts again.
                                try ip("-n", network.a, "link", "set", "vy", "up")
                                for name in ["VI_1", "VI_2"] {
                                    try await a.waitForState("MASTER", instance: name)
                                    try await b.waitForState("BACKUP", instance: name)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
