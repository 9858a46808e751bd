import Foundation
import Testing

extension VRRPDaemonIntegrationTests {
    /// Two real vrrpd processes in network namespaces: who becomes MASTER, who takes over when the
    /// master dies or stops, and what happens to the virtual address each time.
    @Suite(.enabled(if: getuid() == 0, "needs root: creates network namespaces"))
    struct ElectionTests {
        @Test func higherPriorityBecomesMasterAndHoldsTheVirtualAddress() async throws {
            try await TwoRouters.with(
                a: { .on($0, $0.a, priority: 150) }, b: { .on($0, $0.b, priority: 100) }
            ) { routers in
                try await routers.a.waitForState("MASTER")
                try await routers.b.waitForState("BACKUP")
                try await waitUntil("A holds the VIP") { try routers.holdsVirtualAddress(routers.a) }
                #expect(try !routers.holdsVirtualAddress(routers.b))
                try await waitUntil("B knows A as master") {
                    try routers.b.property("MasterAddress") as? String == routers.network.addressA
                }
                #expect(try routers.a.property("EffectivePriority") as? Int == 150)
                #expect(try routers.a.property("AdvertInterval") as? Double == 0.1)
                #expect(
                    try routers.a.property("VirtualAddresses") as? [String] == ["\(routers.network.virtualAddress)/24"])
                #expect(try (routers.a.property("LastTransition") as? Int ?? 0) > 0)
                #expect(routers.a.log.contains("VRRP_Instance(VI_1) Entering MASTER STATE"))
                #expect(routers.a.log.contains("VRRP_Instance(VI_1) setting protocol VIPs."))
                #expect(routers.b.log.contains("VRRP_Instance(VI_1) Entering BACKUP STATE"))
            }
        }

        @Test func backupTakesOverWhenTheMasterIsKilledAndItsLinkGoesDown() async throws {
            try await TwoRouters.with(
                a: { .on($0, $0.a, priority: 150) }, b: { .on($0, $0.b, priority: 100) }
            ) { routers in
                let network = routers.network
                try await routers.a.waitForState("MASTER")
                try await routers.b.waitForState("BACKUP")
                try await waitUntil("A holds the VIP") { try routers.holdsVirtualAddress(routers.a) }
                // The client talks to the VIP once (a refused TCP connection is enough to resolve it).
                let connect = "timeout 2 bash -c 'echo > /dev/tcp/\(network.virtualAddress)/9' 2>/dev/null; true"
                try run("/usr/sbin/ip", ["netns", "exec", network.c, "/bin/bash", "-c", connect])
                #expect(try network.clientNeighbour() == network.hardwareAddress(of: network.a))
                await routers.a.stop(signal: SIGKILL)
                try ip("-n", routers.network.a, "link", "set", routers.network.interfaceA, "down")
                try await routers.b.waitForState("MASTER")
                try await waitUntil("B holds the VIP") { try routers.holdsVirtualAddress(routers.b) }
                #expect(try routers.b.property("LastReason") as? String == "master down timer expired")
                // B's gratuitous ARPs moved the client's entry, without the client asking.
                let macB = try network.hardwareAddress(of: network.b)
                try await waitUntil("the client's ARP entry shows B's MAC") { try network.clientNeighbour() == macB }
            }
        }

        @Test func gracefulStopSendsPriorityZeroAndRemovesTheVirtualAddress() async throws {
            try await TwoRouters.with(
                a: { .on($0, $0.a, priority: 150) }, b: { .on($0, $0.b, priority: 100) }
            ) { routers in
                try await routers.a.waitForState("MASTER")
                try await routers.b.waitForState("BACKUP")
                try await waitUntil("A holds the VIP") { try routers.holdsVirtualAddress(routers.a) }
                let status = await routers.a.stop(signal: SIGTERM)
                #expect(status == 0)
                #expect(try !routers.holdsVirtualAddress(routers.a))
                #expect(routers.a.log.contains("VRRP_Instance(VI_1) sent 0 priority"))
                #expect(routers.a.log.contains("VRRP_Instance(VI_1) removing protocol VIPs."))
                try await routers.b.waitForState("MASTER")
                #expect(try (routers.b.property("LastReason") as? String ?? "").contains("resigned (priority 0)"))
                try await waitUntil("B holds the VIP") { try routers.holdsVirtualAddress(routers.b) }
            }
        }

        @Test func startingAsBackupRemovesAddressesAPredecessorLeftBehind() async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { busA in
                    try await PrivateBus.with { busB in
                        let configA = TestInstance.on(network, network.a, priority: 150).configuration
                        try await VRRPDProcess.with(namespace: network.a, configuration: configA, bus: busA) { a in
                            try await a.waitForState("MASTER")
                            // What a vrrpd killed while MASTER leaves on the other router.
                            let leftover = "\(network.virtualAddress)/24"
                            try ip("-n", network.b, "addr", "add", leftover, "dev", network.interfaceB)
                            #expect(try network.holdsVirtualAddress(network.b))
                            let configB = TestInstance.on(network, network.b, priority: 100).configuration
                            try await VRRPDProcess.with(namespace: network.b, configuration: configB, bus: busB) { b in
                                try await b.waitForState("BACKUP")
                                try await waitUntil("B removed the leftover VIP") {
                                    try !network.holdsVirtualAddress(network.b)
                                }
                                #expect(try network.holdsVirtualAddress(network.a))
                            }
                        }
                    }
                }
            }
        }

        /// Both become MASTER while the switch keeps them apart; when it joins them, the tie is
        /// broken by the higher primary address (RFC 5798 §6.4.3): a BACKUP never preempts an
        /// equal priority, so only two masters meeting can show it.
        @Test func equalPrioritiesElectTheHigherAddressWhenBothAreMaster() async throws {
            try await RouterNetwork.with { network in
                try ip("-n", network.s, "link", "set", "pa", "nomaster")
                try await PrivateBus.with { busA in
                    try await PrivateBus.with { busB in
                        let configA = TestInstance.on(network, network.a, priority: 100).configuration
                        let configB = TestInstance.on(network, network.b, priority: 100).configuration
                        try await VRRPDProcess.with(namespace: network.a, configuration: configA, bus: busA) { a in
                            try await VRRPDProcess.with(namespace: network.b, configuration: configB, bus: busB) { b in
                                try await a.waitForState("MASTER")
                                try await b.waitForState("MASTER")
                                try ip("-n", network.s, "link", "set", "pa", "master", "br0")
                                try await a.waitForState("BACKUP")
                                try await waitUntil("A dropped the VIP") { try !network.holdsVirtualAddress(network.a) }
                                #expect(try b.state() == "MASTER")
                                #expect(try network.holdsVirtualAddress(network.b))
                                let line = "Received equal prio advert from higher address \(network.addressB)"
                                #expect(a.log.contains(line))
                                // Meeting, the two settle at the first advert: that is the end of a
                                // split brain, not one (DiagnosticTests has the lasting kind).
                                #expect(!a.log.contains("split brain"), "\(a.log)")
                            }
                        }
                    }
                }
            }
        }
    }
}
