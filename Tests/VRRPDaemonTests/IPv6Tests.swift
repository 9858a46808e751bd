import Foundation
import Testing

extension VRRPDaemonIntegrationTests {
    /// Two vrrpd routers running VRRPv3 over IPv6 at advert_int 0.1 on one LAN with a client.
    @Suite(.enabled(if: getuid() == 0, "needs root: creates network namespaces"))
    struct IPv6Tests {
        /// Starts tcpdump on the client for neighbour adverts (ICMPv6 type 136), link-layer
        /// headers shown so the sending MAC can be checked.
        static func captureNeighbourAdverts(_ network: RouterNetwork, directory: String) throws -> ChildProcess {
            try network.captureOnClient("icmp6 and ip6[40] == 136", directory: directory)
        }

        @Test func failoverMovesTheVIPAndTheClientsNeighbourEntry() async throws {
            let directory = try makeTemporaryDirectory("kavd-na")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try await TwoRouters.with(
                a: { TestInstance.ipv6(on: $0, $0.a, priority: 150) },
                b: { TestInstance.ipv6(on: $0, $0.b, priority: 100) }
            ) { routers in
                let network = routers.network
                let vip = network.virtualAddress6
                try await routers.a.waitForState("MASTER")
                try await routers.b.waitForState("BACKUP")
                try await waitUntil("A holds \(vip), B does not") {
                    try network.holdsVirtualAddress6(network.a) && !network.holdsVirtualAddress6(network.b)
                }
                // Added without duplicate address detection, as keepalived adds IPv6 VIPs.
                let added = try network.addresses6(in: network.a, interface: network.interfaceA)
                #expect(added.first { $0.address == vip }?.flags == ["nodad"])
                // B follows A's adverts, sent from A's link-local address.
                let linkLocalA = try network.linkLocal(of: network.a)
                try await waitUntil("B sees A as master") {
                    try routers.b.property("MasterAddress") as? String == linkLocalA
                }
                #expect(try routers.a.property("VirtualAddresses") as? [String] == [vip + "/64"])

                // The client talks to the VIP: its neighbour entry points at A.
                try run("/usr/sbin/ip", ["netns", "exec", network.c, "ping", "-6", "-c", "1", "-W", "2", vip])
                let macA = try network.hardwareAddress(of: network.a)
                let macB = try network.hardwareAddress(of: network.b)
                #expect(try network.clientNeighbour6() == macA)

                let tcpdump = try Self.captureNeighbourAdverts(network, directory: directory)
                defer { tcpdump.signal(SIGKILL) }
                try await waitUntil("tcpdump listens") { tcpdump.log.contains("listening on") }
                await routers.a.stop(signal: SIGKILL)
                try await routers.b.waitForState("MASTER")
                try await waitUntil("B holds \(vip)") { try network.holdsVirtualAddress6(network.b) }
                // The client captured B's unsolicited neighbour advert for the VIP ...
                try await waitUntil("the client sees B's neighbour advert") {
                    tcpdump.log.split(separator: "\n").contains { line in
                        line.contains("\(macB) > 33:33:00:00:00:01") && line.contains("\(vip) > ff02::1")
                            && line.contains("tgt is \(vip)")
                    }
                }
                // ... and its neighbour cache now sends the VIP's traffic to B.
                try await waitUntil("the client's neighbour entry for \(vip) points at B") {
                    try network.clientNeighbour6() == macB
                }
                try run("/usr/sbin/ip", ["netns", "exec", network.c, "ping", "-6", "-c", "1", "-W", "2", vip])
                let counters = try routers.b.stats()["VI_1"] ?? [:]
                #expect(Set(counters.keys) == ["adverts_sent", "adverts_received"], "\(counters)")
            }
        }

        /// An IPv4 and an IPv6 instance side by side in one configuration, on both routers.
        @Test func ipv4AndIPv6InstancesSideBySide() async throws {
            func configuration(_ network: RouterNetwork, _ namespace: String, priority: Int) -> String {
                var v4 = TestInstance.on(network, namespace, priority: priority)
                v4.name = "VI_4"
                var v6 = TestInstance.ipv6(on: network, namespace, priority: priority)
                v6.name = "VI_6"
                v6.virtualRouterID = 52
                v6.extra = [
                    "virtual_routes {", "    fd00:ffff::/64 via \(network.address6(254)) dev \(v6.interface)", "}",
                ]
                return v4.configuration + v6.configuration
            }
            try await TwoRouters.with(
                configurationA: { configuration($0, $0.a, priority: 150) },
                configurationB: { configuration($0, $0.b, priority: 100) }
            ) { routers in
                let network = routers.network
                for instance in ["VI_4", "VI_6"] {
                    try await routers.a.waitForState("MASTER", instance: instance)
                    try await routers.b.waitForState("BACKUP", instance: instance)
                }
                try await waitUntil("A holds both VIPs and the IPv6 route") {
                    try network.holdsVirtualAddress(network.a) && network.holdsVirtualAddress6(network.a)
                        && run("/usr/sbin/ip", ["-n", network.a, "-6", "route", "show", "fd00:ffff::/64"]).contains(
                            "via")
                }
                await routers.a.stop(signal: SIGTERM)
                for instance in ["VI_4", "VI_6"] { try await routers.b.waitForState("MASTER", instance: instance) }
                try await waitUntil("B holds both VIPs and the IPv6 route") {
                    try network.holdsVirtualAddress(network.b) && network.holdsVirtualAddress6(network.b)
                        && run("/usr/sbin/ip", ["-n", network.b, "-6", "route", "show", "fd00:ffff::/64"]).contains(
                            "via")
                }
                #expect(try !network.holdsVirtualAddress6(network.a))
                let stats = try routers.b.stats()
                for instance in ["VI_4", "VI_6"] {
                    #expect(Set((stats[instance] ?? [:]).keys) == ["adverts_sent", "adverts_received"], "\(stats)")
                }
            }
        }

        /// Unicast over IPv6 to a link-local peer (the instance's interface is its scope) and to
        /// global peers with `unicast_src_ip`.
        @Test(arguments: [true, false])
        func unicast(linkLocal: Bool) async throws {
            try await RouterNetwork.with { network in
                let linkLocalA = try network.linkLocal(of: network.a)
                let linkLocalB = try network.linkLocal(of: network.b)
                func instance(_ namespace: String, priority: Int) -> TestInstance {
                    var instance = TestInstance.ipv6(on: network, namespace, priority: priority)
                    let isA = namespace == network.a
                    if linkLocal {
                        instance.extra = ["unicast_peer {", "    \(isA ? linkLocalB : linkLocalA)", "}"]
                    } else {
                        instance.extra = [
                            "unicast_src_ip \(isA ? network.address6A : network.address6B)",
                            "unicast_peer {", "    \(isA ? network.address6B : network.address6A)", "}",
                        ]
                    }
                    return instance
                }
                try await PrivateBus.with { busA in
                    try await PrivateBus.with { busB in
                        let a = instance(network.a, priority: 150).configuration
                        let b = instance(network.b, priority: 100).configuration
                        try await VRRPDProcess.with(namespace: network.a, configuration: a, bus: busA) { routerA in
                            try await VRRPDProcess.with(namespace: network.b, configuration: b, bus: busB) { routerB in
                                try await routerA.waitForState("MASTER")
                                try await routerB.waitForState("BACKUP")
                                let source = linkLocal ? linkLocalA : network.address6A
                                try await waitUntil("B follows A's unicast adverts from \(source)") {
                                    try routerB.property("MasterAddress") as? String == source
                                }
                                #expect(try network.holdsVirtualAddress6(network.a))
                                await routerA.stop(signal: SIGTERM)
                                try await routerB.waitForState("MASTER")
                                try await waitUntil("B holds the VIP") { try network.holdsVirtualAddress6(network.b) }
                                // Stats are published periodically: wait for B's count of A's adverts.
                                try await waitUntil("B counted A's adverts") {
                                    try routerB.stats()["VI_1"]?["adverts_received"] ?? 0 > 0
                                }
                                let counters = try routerB.stats()["VI_1"] ?? [:]
                                #expect(Set(counters.keys) == ["adverts_sent", "adverts_received"], "\(counters)")
                            }
                        }
                    }
                }
            }
        }

        /// An advert with a hop limit other than 255 is dropped, counted as `ttl`, and does not
        /// move the instance, however high its priority.
        @Test func aHopLimitOtherThan255IsDroppedAndCounted() async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { bus in
                    let instance = TestInstance.ipv6(on: network, network.a, priority: 100)
                    try await VRRPDProcess.with(namespace: network.a, configuration: instance.configuration, bus: bus) {
                        vrrpd in
                        try await vrrpd.waitForState("MASTER")
                        try Self.sendAdvert(
                            from: network.b, interface: network.interfaceB, hopLimit: 64, priority: 200,
                            virtualAddress: network.virtualAddress6, count: 5)
                        try await waitUntil("vrrpd counted 5 ttl drops") { try vrrpd.stats()["VI_1"]?["ttl"] ?? 0 >= 5 }
                        #expect(try vrrpd.state() == "MASTER")
                        #expect(try vrrpd.stats()["VI_1"]?["adverts_received"] == 0)
                        #expect(vrrpd.log.contains("invalid TTL/HL. Received 64 and expect 255"), "\(vrrpd.log)")
                    }
                }
            }
        }

        /// Sends VRRPv3 adverts (vrid 51) to ff02::12 from a namespace with Python's raw socket
        /// and the kernel's pseudo-header checksum (`IPV6_CHECKSUM` 6): a sender independent of
        /// the code under test.
        static func sendAdvert(
            from namespace: String, interface: String, hopLimit: Int, priority: Int, virtualAddress: String,
            count: Int
        ) throws {
            let script = """
                import socket, sys
                interface, hops, priority, vip, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
                index = socket.if_nametoindex(interface)
                s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, 112)
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, hops)
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, index)
                s.setsockopt(socket.IPPROTO_IPV6, 7, 6)
                message = bytes([0x31, 51, priority, 1, 0, 10, 0, 0]) + socket.inet_pton(socket.AF_INET6, vip)
                for _ in range(count):
                    s.sendto(message, ("ff02::12", 0, 0, index))
                """
            try run(
                "/usr/sbin/ip",
                [
                    "netns", "exec", namespace, "/usr/bin/python3", "-c", script, interface, "\(hopLimit)",
                    "\(priority)", virtualAddress, "\(count)",
                ])
        }
    }
}
