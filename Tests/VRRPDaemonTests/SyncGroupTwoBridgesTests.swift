import Foundation
import Testing

extension VRRPDaemonIntegrationTests {
    /// A sync group whose two instances live on two bridges: one segment failing on the master
    /// moves both instances, the other segment's included, to the backup; recovery brings both back.
    @Suite(.enabled(if: getuid() == 0, "needs root: creates network namespaces"))
    struct SyncGroupTwoBridgesTests {
        static let secondSubnet = "10.99.2"

        /// A second bridge `br1` in the switch namespace, with a port to each router.
        func addSecondBridge(_ network: RouterNetwork) throws {
            try ip("-n", network.s, "link", "add", "br1", "type", "bridge", "stp_state", "0", "mcast_snooping", "0")
            try ip("-n", network.s, "link", "set", "br1", "up")
            for (namespace, port, interface, host) in [(network.a, "qa", "wa", 1), (network.b, "qb", "wb", 2)] {
                try ip(
                    "-n", network.s, "link", "add", port, "type", "veth", "peer", "name", interface, "netns", namespace)
                try ip("-n", network.s, "link", "set", port, "master", "br1")
                try ip("-n", network.s, "link", "set", port, "up")
                try ip("-n", namespace, "address", "add", "\(Self.secondSubnet).\(host)/24", "dev", interface)
                try ip("-n", namespace, "link", "set", interface, "up")
            }
        }

        func configuration(_ network: RouterNetwork, _ namespace: String, priority: Int) -> String {
            let first = TestInstance.on(network, namespace, priority: priority)
            var second = first
            second.name = "VI_2"
            second.virtualRouterID = 52
            second.interface = namespace == network.a ? "wa" : "wb"
            second.virtualAddress = "\(Self.secondSubnet).100"
            let group = "vrrp_sync_group G {\n    group {\n        VI_1\n        VI_2\n    }\n}\n"
            return group + first.configuration + second.configuration
        }

        @Test func losingOneBridgeMovesBothInstances() async throws {
            try await RouterNetwork.with { network in
                try addSecondBridge(network)
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
                                let secondVIP = "\(Self.secondSubnet).100"
                                #expect(try network.addresses(in: network.a, interface: "wa").contains(secondVIP))

                                // A's first bridge port goes down: VI_1 faults, and VI_2, whose own
                                // bridge is fine, follows it; B takes both VIPs on both bridges.
                                try ip("-n", network.a, "link", "set", network.interfaceA, "down")
                                try await a.waitForState("FAULT", instance: "VI_2")
                                try await b.waitForState("MASTER", instance: "VI_1")
                                try await b.waitForState("MASTER", instance: "VI_2")
                                try await waitUntil("B holds both VIPs, A none") {
                                    let bSecond = try network.addresses(in: network.b, interface: "wb")
                                    let aSecond = try network.addresses(in: network.a, interface: "wa")
                                    return try network.holdsVirtualAddress(network.b) && bSecond.contains(secondVIP)
                                        && !aSecond.contains(secondVIP)
                                }

                                // The port comes back: the group leaves FAULT together and preempts.
                                try ip("-n", network.a, "link", "set", network.interfaceA, "up")
                                for name in ["VI_1", "VI_2"] {
                                    try await a.waitForState("MASTER", instance: name)
                                    try await b.waitForState("BACKUP", instance: name)
                                }
                                #expect(try network.addresses(in: network.a, interface: "wa").contains(secondVIP))
                            }
                        }
                    }
                }
            }
        }
    }
}
