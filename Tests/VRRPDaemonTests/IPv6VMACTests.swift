import Foundation
import Testing

extension VRRPDaemonIntegrationTests {
    /// `use_vmac` on IPv6 instances: the VIPs live on a private macvlan with 00:00:5e:00:02:VRID
    /// carrying the parent's link-local address, as keepalived 2.2.7 builds it (measured), so
    /// the client's neighbour entry for the VIP never changes when the master does.
    @Suite(.enabled(if: getuid() == 0, "needs root: creates network namespaces"))
    struct IPv6VMACTests {
        static let virtualMAC = "00:00:5e:00:02:33"  // VRID 51, IPv6
        static let vmacName = "vrrp.51"

        static func instance(_ network: RouterNetwork, _ namespace: String, priority: Int) -> TestInstance {
            var instance = TestInstance.ipv6(on: network, namespace, priority: priority)
            instance.extra = ["use_vmac"]
            return instance
        }

        /// The IPv6 addresses on the VMAC in `namespace`.
        static func vmacAddresses(_ network: RouterNetwork, _ namespace: String) throws -> [String] {
            try network.addresses6(in: namespace, interface: vmacName).map(\.address)
        }

        /// The macvlan as keepalived makes it for IPv6: the virtual MAC, private mode, no
        /// address generation, the parent's link-local address without DAD, and none of the
        /// IPv4 VMAC's ARP settings on the parent.
        static func expectVMAC(in namespace: String, network: RouterNetwork) throws {
            let shown = try #require(try network.link(vmacName, in: namespace), "no \(vmacName) in \(namespace)")
            #expect(shown["address"] as? String == virtualMAC)
            #expect(shown["link"] as? String == network.interface(of: namespace))
            let info = shown["linkinfo"] as? [String: Any]
            #expect(info?["info_kind"] as? String == "macvlan")
            #expect((info?["info_data"] as? [String: Any])?["mode"] as? String == "private")
            #expect(try network.sysctl(namespace, vmacName, "addr_gen_mode", family: "ipv6") == "1")
            let linkLocal = try network.addresses6(in: namespace, interface: vmacName).filter {
                $0.address.hasPrefix("fe80:")
            }
            #expect(linkLocal.map(\.address) == [try network.linkLocal(of: namespace)])
            #expect(linkLocal.first?.flags == ["nodad"])
            #expect(try network.sysctl(namespace, network.interface(of: namespace), "arp_ignore") == "0")
        }

        /// One line of the client's capture: a frame from `mac`, `source` > `destination`, with `text`.
        static func captured(_ log: String, from mac: String, _ source: String, to destination: String, _ text: String)
            -> Bool
        {
            log.split(separator: "\n").contains { line in
                line.contains("\(mac) > ") && line.contains("\(source) > \(destination)") && line.contains(text)
            }
        }

        @Test("the client learns 00:00:5e:00:02:33 for the IPv6 VIP and keeps it across a failover")
        func failoverKeepsTheClientsNeighbourEntry() async throws {
            let directory = try makeTemporaryDirectory("kavd-v6vmac")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try await TwoRouters.with(
                a: { Self.instance($0, $0.a, priority: 150) }, b: { Self.instance($0, $0.b, priority: 100) }
            ) { routers in
                let network = routers.network
                let vip = network.virtualAddress6
                try await routers.a.waitForState("MASTER")
                try await routers.b.waitForState("BACKUP")
                try Self.expectVMAC(in: network.a, network: network)
                try Self.expectVMAC(in: network.b, network: network)
                try await waitUntil("A's VMAC holds \(vip)") {
                    try Self.vmacAddresses(network, network.a).contains(vip)
                }
                #expect(try !network.holdsVirtualAddress6(network.a), "the VIP is on the VMAC, not the parent")
                #expect(try !Self.vmacAddresses(network, network.b).contains(vip))
                let linkLocalA = try network.linkLocal(of: network.a)
                let linkLocalB = try network.linkLocal(of: network.b)
                try await waitUntil("B follows A's adverts from A's link-local address") {
                    try routers.b.property("MasterAddress") as? String == linkLocalA
                }

                let tcpdump = try network.captureOnClient(
                    "ip6 proto 112 or (icmp6 and ip6[40] == 136)", directory: directory)
                defer { tcpdump.signal(SIGKILL) }
                try await waitUntil("the client sees A's adverts from the VMAC") {
                    Self.captured(tcpdump.log, from: Self.virtualMAC, linkLocalA, to: "ff02::12", "VRRPv3")
                }
                try await waitUntil("the client reaches \(vip)") { network.clientPings(vip) }
                #expect(try network.clientNeighbour6() == Self.virtualMAC)

                await routers.a.stop(signal: SIGTERM)
                try await routers.b.waitForState("MASTER")
                #expect(try network.link(Self.vmacName, in: network.a) == nil, "the VMAC outlived vrrpd")
                try await waitUntil("B's VMAC holds \(vip)") {
                    try Self.vmacAddresses(network, network.b).contains(vip)
                }
                try await waitUntil("B announces \(vip) from the VMAC and advertises from it") {
                    Self.captured(tcpdump.log, from: Self.virtualMAC, vip, to: "ff02::1", "tgt is \(vip)")
                        && Self.captured(tcpdump.log, from: Self.virtualMAC, linkLocalB, to: "ff02::12", "VRRPv3")
                }
                try await waitUntil("the client reaches \(vip) on B") { network.clientPings(vip) }
                #expect(try network.clientNeighbour6() == Self.virtualMAC, "the client had to learn a new MAC")
            }
        }

        static let globals = "global_defs {\n    router_id kavd_v6vmac\n}\n"

        @Test(
            "keepalived IPv6 VMAC master, vrrpd IPv6 VMAC backup; vrrpd takes over on the same MAC",
            .enabled(if: KeepalivedProcess.isAvailable, "needs Debian's keepalived"))
        func keepalivedMasterThenVRRPD() async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { bus in
                    let ours = Self.instance(network, network.a, priority: 100)
                    let theirs = Self.instance(network, network.b, priority: 150)
                    let vip = network.virtualAddress6
                    try await KeepalivedProcess.with(
                        namespace: network.b, configuration: Self.globals + theirs.configuration
                    ) { keepalived in
                        try await VRRPDProcess.with(namespace: network.a, configuration: ours.configuration, bus: bus) {
                            vrrpd in
                            try await vrrpd.waitForState("BACKUP")
                            let master = try network.linkLocal(of: network.b)
                            try await waitUntil("vrrpd follows keepalived at \(master) on its VMAC") {
                                try vrrpd.property("MasterAddress") as? String == master
                            }
                            try Self.expectVMAC(in: network.a, network: network)
                            try Self.expectVMAC(in: network.b, network: network)
                            try await waitUntil("the client reaches \(vip) on keepalived") { network.clientPings(vip) }
                            #expect(try network.clientNeighbour6() == Self.virtualMAC)

                            await keepalived.stop()
                            try await vrrpd.waitForState("MASTER")
                            try await waitUntil("vrrpd's VMAC holds \(vip)") {
                                try Self.vmacAddresses(network, network.a).contains(vip)
                            }
                            try await waitUntil("the client reaches \(vip) on vrrpd") { network.clientPings(vip) }
                            #expect(try network.clientNeighbour6() == Self.virtualMAC)
                            let counters = try vrrpd.stats()["VI_1"] ?? [:]
                            #expect(Set(counters.keys) == ["adverts_sent", "adverts_received"], "\(counters)")
                        }
                    }
                }
            }
        }

        @Test(
            "vrrpd IPv6 VMAC master, keepalived IPv6 VMAC backup: keepalived hears us, then takes over",
            .enabled(if: KeepalivedProcess.isAvailable, "needs Debian's keepalived"))
        func vrrpdMasterThenKeepalived() async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { bus in
                    let ours = Self.instance(network, network.a, priority: 150)
                    let theirs = Self.instance(network, network.b, priority: 100)
                    let vip = network.virtualAddress6
                    try await VRRPDProcess.with(namespace: network.a, configuration: ours.configuration, bus: bus) {
                        vrrpd in
                        try await vrrpd.waitForState("MASTER")
                        try await KeepalivedProcess.with(
                            namespace: network.b, configuration: Self.globals + theirs.configuration
                        ) { keepalived in
                            try await waitUntil("keepalived is BACKUP") {
                                keepalived.log.contains("Entering BACKUP STATE")
                            }
                            // A few more adverts: keepalived stays BACKUP (it accepts ours).
                            try await Task.sleep(for: .seconds(1))
                            #expect(!keepalived.log.contains("Entering MASTER STATE"), "\(keepalived.log)")
                            try Self.expectVMAC(in: network.a, network: network)
                            try Self.expectVMAC(in: network.b, network: network)
                            #expect(try Self.vmacAddresses(network, network.a).contains(vip))
                            try await waitUntil("the client reaches \(vip) on vrrpd") { network.clientPings(vip) }
                            #expect(try network.clientNeighbour6() == Self.virtualMAC)

                            await vrrpd.stop(signal: SIGTERM)
                            try await waitUntil("keepalived's VMAC holds \(vip)") {
                                try Self.vmacAddresses(network, network.b).contains(vip)
                            }
                            try await waitUntil("the client reaches \(vip) on keepalived") { network.clientPings(vip) }
                            #expect(try network.clientNeighbour6() == Self.virtualMAC)
                        }
                    }
                }
            }
        }
    }
}
