import Foundation
import Testing

extension VRRPDaemonIntegrationTests {
    /// `track_interface` and the instance's own interface, followed through netlink.
    @Suite(.enabled(if: getuid() == 0, "needs root: creates network namespaces"))
    struct TrackingTests {
        @Test func ownInterfaceDownMeansFaultAndBack() async throws {
            try await TwoRouters.with(
                a: { .on($0, $0.a, priority: 150) }, b: { .on($0, $0.b, priority: 100) }
            ) { routers in
                let network = routers.network
                try await routers.a.waitForState("MASTER")
                try await routers.b.waitForState("BACKUP")
                try ip("-n", network.a, "link", "set", network.interfaceA, "down")
                try await routers.a.waitForState("FAULT")
                try await routers.b.waitForState("MASTER")
                #expect(try !routers.holdsVirtualAddress(routers.a))
                #expect(routers.a.log.contains("VRRP_Instance(VI_1) Entering FAULT STATE"))
                #expect(try (routers.a.property("LastReason") as? String ?? "").contains(network.interfaceA))

                try ip("-n", network.a, "link", "set", network.interfaceA, "up")
                try await routers.a.waitForState("MASTER")
                try await routers.b.waitForState("BACKUP")
                try await waitUntil("A holds the VIP again") { try routers.holdsVirtualAddress(routers.a) }
            }
        }

        @Test func weightedTrackedInterfaceMovesThePriority() async throws {
            try await RouterNetwork.with { network in
                // A second link in A, tracked with a weight: its peer going down takes its carrier.
                try ip("-n", network.a, "link", "add", "vx", "type", "veth", "peer", "name", "vy")
                try ip("-n", network.a, "link", "set", "vx", "up")
                try ip("-n", network.a, "link", "set", "vy", "up")
                try await PrivateBus.with { busA in
                    try await PrivateBus.with { busB in
                        var instanceA = TestInstance.on(network, network.a, priority: 150)
                        instanceA.extra = ["track_interface {", "    vx weight -60", "}"]
                        let configB = TestInstance.on(network, network.b, priority: 100).configuration
                        try await VRRPDProcess.with(
                            namespace: network.a, configuration: instanceA.configuration, bus: busA
                        ) { a in
                            try await VRRPDProcess.with(namespace: network.b, configuration: configB, bus: busB) { b in
                                try await a.waitForState("MASTER")
                                try await b.waitForState("BACKUP")
                                try ip("-n", network.a, "link", "set", "vy", "down")
                                try await b.waitForState("MASTER")
                                try await a.waitForState("BACKUP")
                                #expect(try a.property("EffectivePriority") as? Int == 90)
                                #expect(try a.property("Priority") as? Int == 150)

                                try ip("-n", network.a, "link", "set", "vy", "up")
                                try await a.waitForState("MASTER")
                                try await b.waitForState("BACKUP")
                                #expect(try a.property("EffectivePriority") as? Int == 150)
                            }
                        }
                    }
                }
            }
        }
    }
}
