import Foundation
import Testing

extension VRRPDaemonIntegrationTests {
    /// `use_vmac`: the VIPs live on a private macvlan with 00:00:5e:00:01:VRID, so the client's
    /// neighbour entry never changes when the master does.
    @Suite(.enabled(if: getuid() == 0, "needs root: creates network namespaces"))
    struct VMACTests {
        static let virtualMAC = "00:00:5e:00:01:33"  // VRID 51
        static let vmacName = "vrrp.51"

        func instance(_ network: RouterNetwork, _ namespace: String, priority: Int, extra: [String] = [])
            -> TestInstance
        {
            var instance = TestInstance.on(network, namespace, priority: priority)
            instance.version = 2
            instance.advertInterval = "1"
            instance.extra = ["use_vmac"] + extra
            return instance
        }

        func expectVMAC(in namespace: String, network: RouterNetwork) throws {
            let shown = try #require(
                try network.link(Self.vmacName, in: namespace), "no \(Self.vmacName) in \(namespace)")
            #expect(shown["address"] as? String == Self.virtualMAC)
            #expect(shown["link"] as? String == network.interface(of: namespace))
            let info = shown["linkinfo"] as? [String: Any]
            #expect(info?["info_kind"] as? String == "macvlan")
            #expect((info?["info_data"] as? [String: Any])?["mode"] as? String == "private")
            #expect(try network.sysctl(namespace, Self.vmacName, "arp_ignore") == "1")
            #expect(try network.sysctl(namespace, Self.vmacName, "accept_local") == "1")
            #expect(try network.sysctl(namespace, Self.vmacName, "rp_filter") == "0")
            #expect(try network.sysctl(namespace, network.interface(of: namespace), "arp_ignore") == "1")
            #expect(try network.sysctl(namespace, network.interface(of: namespace), "arp_filter") == "1")
            #expect(try network.sysctl(namespace, network.interface(of: namespace), "arp_announce") == "2")
        }

        @Test("the client learns the virtual MAC for the VIP and keeps it across a failover")
        func failoverKeepsTheClientsNeighbourEntry() async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { busA in
                    try await PrivateBus.with { busB in
                        let first = instance(network, network.a, priority: 150)
                        let second = instance(network, network.b, priority: 100)
                        try await VRRPDProcess.with(
                            namespace: network.b, configuration: second.configuration, bus: busB
                        ) {
                            backup in
                            try await VRRPDProcess.with(
                                namespace: network.a, configuration: first.configuration, bus: busA
                            ) {
                                master in
                                try await master.waitForState("MASTER")
                                try await backup.waitForState("BACKUP")
                                try expectVMAC(in: network.a, network: network)
                                try expectVMAC(in: network.b, network: network)
                                #expect(
                                    try network.addresses(in: network.a, interface: Self.vmacName) == [
                                        network.virtualAddress
                                    ])
                                #expect(try network.addresses(in: network.b, interface: Self.vmacName).isEmpty)
                                #expect(
                                    try !network.holdsVirtualAddress(network.a),
                                    "the VIP is on the VMAC, not the parent")

                                try await waitUntil("the client reaches the VIP") { network.clientPings() }
                                #expect(try network.clientNeighbour() == Self.virtualMAC)

                                await master.stop(signal: SIGTERM)
                                try await backup.waitForState("MASTER")
                                #expect(
                                    try network.link(Self.vmacName, in: network.a) == nil, "the VMAC outlived vrrpd")
                                #expect(try network.sysctl(network.a, network.interfaceA, "arp_ignore") == "0")
                                #expect(try network.sysctl(network.a, network.interfaceA, "arp_filter") == "0")
                                #expect(try network.sysctl(network.a, network.interfaceA, "arp_announce") == "0")
                                #expect(
                                    try network.addresses(in: network.b, interface: Self.vmacName) == [
                                        network.virtualAddress
                                    ])
                                try await waitUntil("the client reaches the VIP on the new master") {
                                    network.clientPings()
                                }
                                #expect(
                                    try network.clientNeighbour() == Self.virtualMAC,
                                    "the client had to learn a new MAC")
                            }
                        }
                    }
                }
            }
        }

        @Test("adverts leave from the VMAC, or from the parent with vmac_xmit_base", arguments: [false, true])
        func advertSourceMAC(transmitBase: Bool) async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { bus in
                    let only = instance(
                        network, network.a, priority: 150, extra: transmitBase ? ["vmac_xmit_base"] : [])
                    try await VRRPDProcess.with(namespace: network.a, configuration: only.configuration, bus: bus) {
                        vrrpd in
                        try await vrrpd.waitForState("MASTER")
                        let capture = try PacketTool(
                            namespace: network.c, interface: network.interfaceC, protocolNumber: 112, outgoing: false)
                        let frame = try await capture.frame()
                        let expected = transmitBase ? try network.hardwareAddress(of: network.a) : Self.virtualMAC
                        #expect(macText(frame[6..<12]) == expected)
                        #expect(
                            try network.addresses(in: network.a, interface: Self.vmacName) == [network.virtualAddress])
                        try await waitUntil("the client reaches the VIP") { network.clientPings() }
                        let neighbours = try run("/usr/sbin/ip", ["-n", network.c, "neigh"])
                        #expect(try network.clientNeighbour() == Self.virtualMAC, "\(neighbours)")
                    }
                }
            }
        }

        @Test("a non-zero all.rp_filter is cleared while the VMAC runs, every interface keeping its filter")
        func reversePathFilter() async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { bus in
                    try run(
                        "/usr/sbin/ip", ["netns", "exec", network.a, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=2"])
                    #expect(try network.sysctl(network.a, network.interfaceA, "rp_filter") == "0")
                    let defaultBefore = try network.sysctl(network.a, "default", "rp_filter")
                    let only = instance(network, network.a, priority: 150)
                    try await VRRPDProcess.with(namespace: network.a, configuration: only.configuration, bus: bus) {
                        vrrpd in
                        try await vrrpd.waitForState("MASTER")
                        #expect(try network.sysctl(network.a, "all", "rp_filter") == "0")
                        #expect(try network.sysctl(network.a, "default", "rp_filter") == "2")
                        #expect(try network.sysctl(network.a, network.interfaceA, "rp_filter") == "2")
                        #expect(try network.sysctl(network.a, Self.vmacName, "rp_filter") == "0")
                        try await waitUntil("the client reaches the VIP") { network.clientPings() }
                        await vrrpd.stop(signal: SIGTERM)
                        #expect(try network.sysctl(network.a, "all", "rp_filter") == "2")
                        #expect(try network.sysctl(network.a, "default", "rp_filter") == defaultBefore)
                        #expect(try network.sysctl(network.a, network.interfaceA, "rp_filter") == "0")
                    }
                }
            }
        }

        @Test("two VMACs on one parent: the parent's sysctls stay while either runs and go back after the last")
        func twoInstancesShareTheParent() async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { bus in
                    let first = instance(network, network.a, priority: 150)
                    var second = instance(network, network.a, priority: 150)
                    second.name = "VI_2"
                    second.virtualRouterID = 52
                    second.virtualAddress = network.address(101)
                    try await VRRPDProcess.with(
                        namespace: network.a, configuration: first.configuration + second.configuration, bus: bus
                    ) { vrrpd in
                        try await vrrpd.waitForState("MASTER")
                        try await vrrpd.waitForState("MASTER", instance: "VI_2")
                        #expect(
                            try network.link("vrrp.52", in: network.a)?["address"] as? String == "00:00:5e:00:01:34")
                        #expect(try network.addresses(in: network.a, interface: "vrrp.52") == [network.address(101)])

                        try vrrpd.reload(configuration: first.configuration)
                        try await waitUntil("VI_2's VMAC goes with VI_2") {
                            try network.link("vrrp.52", in: network.a) == nil
                        }
                        try expectVMAC(in: network.a, network: network)

                        await vrrpd.stop(signal: SIGTERM)
                        #expect(try network.link(Self.vmacName, in: network.a) == nil)
                        for name in ["arp_ignore", "arp_filter", "arp_announce"] {
                            #expect(try network.sysctl(network.a, network.interfaceA, name) == "0", "\(name)")
                        }
                    }
                }
            }
        }

        @Test("a VMAC left by a crashed run is removed and made again; another link of that name is left alone")
        func leftoverFromACrash() async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { bus in
                    try ip(
                        "-n", network.a, "link", "add", "link", network.interfaceA, "name", Self.vmacName, "address",
                        Self.virtualMAC, "type", "macvlan", "mode", "private")
                    let stale = try #require(try network.link(Self.vmacName, in: network.a)?["ifindex"] as? Int)
                    let only = instance(network, network.a, priority: 150)
                    try await VRRPDProcess.with(namespace: network.a, configuration: only.configuration, bus: bus) {
                        vrrpd in
                        try await vrrpd.waitForState("MASTER")
                        try expectVMAC(in: network.a, network: network)
                        #expect(try network.link(Self.vmacName, in: network.a)?["ifindex"] as? Int != stale)
                        #expect(vrrpd.log.contains("left by an earlier run"), "\(vrrpd.log)")
                        await vrrpd.stop(signal: SIGTERM)
                    }

                    // Not a macvlan of ours: vrrpd refuses the instance and leaves the link be.
                    try ip("-n", network.a, "link", "add", Self.vmacName, "type", "veth", "peer", "name", "vrrpx")
                    try await VRRPDProcess.with(namespace: network.a, configuration: only.configuration, bus: bus) {
                        vrrpd in
                        try await waitUntil("vrrpd refuses the instance") {
                            vrrpd.log.contains("is not our VMAC")
                        }
                        #expect(try network.link(Self.vmacName, in: network.a)?["linkinfo"] as? [String: Any] != nil)
                        let kind = (try network.link(Self.vmacName, in: network.a)?["linkinfo"] as? [String: Any])?[
                            "info_kind"]
                        #expect(kind as? String == "veth")
                    }
                }
            }
        }
    }
}
