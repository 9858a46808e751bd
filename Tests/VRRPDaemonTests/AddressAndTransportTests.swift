import Foundation
import Testing

extension VRRPDaemonIntegrationTests {
    /// The VIP options `ip addr add` takes, excluded addresses, unicast peers, and drops counted by
    /// reason: each with real vrrpd (and keepalived) processes.
    @Suite(.enabled(if: getuid() == 0, "needs root: creates network namespaces"))
    struct AddressAndTransportTests {
        @Test func virtualAddressOptionsAndExcludedAddressesReachTheInterface() async throws {
            try await TwoRouters.with(
                a: { network in
                    var instance = TestInstance.on(network, network.a, priority: 150)
                    instance.extra = [
                        "virtual_ipaddress_excluded {",
                        // Another subnet: the kernel wants a secondary address to share its primary's scope.
                        "    192.168.77.1/24 brd + scope link label \(network.interfaceA):x",
                        "}",
                    ]
                    return instance
                },
                b: { .on($0, $0.b, priority: 100) }
            ) { routers in
                let network = routers.network
                try await routers.a.waitForState("MASTER")
                try await routers.b.waitForState("BACKUP")
                try await waitUntil("A holds both addresses") {
                    let addresses = try network.addresses(in: network.a, interface: network.interfaceA)
                    return addresses.contains(network.virtualAddress) && addresses.contains("192.168.77.1")
                }
                let json = try run(
                    "/usr/sbin/ip", ["-n", network.a, "-j", "-4", "addr", "show", "dev", network.interfaceA])
                let links = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
                let infos = links.flatMap { ($0["addr_info"] as? [[String: Any]]) ?? [] }
                let excluded = try #require(infos.first { $0["local"] as? String == "192.168.77.1" })
                #expect(excluded["scope"] as? String == "link")
                #expect(excluded["label"] as? String == "\(network.interfaceA):x")
                #expect(excluded["broadcast"] as? String == "192.168.77.255")
                // B checks the advertised list against its own (without the excluded address).
                try await waitUntil("B received adverts") {
                    try routers.b.stats()["VI_1"]?["adverts_received"] ?? 0 > 0
                }
                #expect(try routers.b.stats()["VI_1"]?.keys.sorted() == ["adverts_received", "adverts_sent"])

                await routers.a.stop(signal: SIGTERM)
                #expect(try network.addresses(in: network.a, interface: network.interfaceA) == [network.addressA])
            }
        }

        /// `garp_master_refresh 1`: a MASTER keeps announcing its VIP every second, as a client
        /// on the LAN sees with tcpdump.
        @Test func masterRefreshesGratuitousARPs() async throws {
            try await TwoRouters.with(
                a: { network in
                    var instance = TestInstance.on(network, network.a, priority: 150)
                    instance.extra = ["garp_master_delay 0", "garp_master_repeat 1", "garp_master_refresh 1"]
                    return instance
                },
                b: { .on($0, $0.b, priority: 100) }
            ) { routers in
                let network = routers.network
                try await routers.a.waitForState("MASTER")
                let capture = try run(
                    "/usr/sbin/ip",
                    [
                        "netns", "exec", network.c, "timeout", "20", "tcpdump", "-l", "-n", "-c", "3", "-i",
                        network.interfaceC, "arp",
                    ])
                let announcements = capture.split(separator: "\n").filter { $0.contains(network.virtualAddress) }
                #expect(announcements.count == 3, "\(capture)")
            }
        }

        @Test func virtualRoutesAndRulesFollowMastership() async throws {
            func routes(_ network: RouterNetwork, _ namespace: String) throws -> String {
                try run("/usr/sbin/ip", ["-n", namespace, "route", "show", "proto", "keepalived"])
            }
            func rules(_ namespace: String) throws -> String {
                try run("/usr/sbin/ip", ["-n", namespace, "rule", "show", "priority", "1000"])
            }
            func instance(_ network: RouterNetwork, _ namespace: String, priority: Int) -> TestInstance {
                var instance = TestInstance.on(network, namespace, priority: priority)
                instance.extra = [
                    "virtual_routes {",
                    "    192.168.88.0/24 via \(network.address(3)) dev \(network.interface(of: namespace)) metric 7",
                    "    blackhole 192.168.99.0/24",
                    "}",
                    "virtual_rules {",
                    "    from 192.168.88.0/24 table 100 priority 1000",
                    "}",
                ]
                return instance
            }
            try await TwoRouters.with(
                a: { instance($0, $0.a, priority: 150) }, b: { instance($0, $0.b, priority: 100) }
            ) { routers in
                let network = routers.network
                try await routers.a.waitForState("MASTER")
                try await routers.b.waitForState("BACKUP")
                try await waitUntil("A has both routes") {
                    let table = try routes(network, network.a)
                    return table.contains("192.168.88.0/24 via \(network.address(3))")
                        && table.contains("blackhole 192.168.99.0/24")
                }
                #expect(try routes(network, network.a).contains("metric 7"))
                #expect(try routes(network, network.b).isEmpty)
                #expect(try rules(network.a).contains("from 192.168.88.0/24 lookup 100"))
                #expect(try rules(network.b).isEmpty)

                await routers.a.stop(signal: SIGTERM)
                try await routers.b.waitForState("MASTER")
                #expect(try routes(network, network.a).isEmpty)
                #expect(try rules(network.a).isEmpty)
                try await waitUntil("B has both routes and the rule") {
                    let table = try routes(network, network.b)
                    let ruleTable = try rules(network.b)
                    return table.contains("192.168.88.0/24") && table.contains("blackhole 192.168.99.0/24")
                        && ruleTable.contains("from 192.168.88.0/24 lookup 100")
                }
            }
        }

        @Test func unicastPeersElectWithoutMulticast() async throws {
            func unicast(_ network: RouterNetwork, _ namespace: String, priority: Int) -> TestInstance {
                var instance = TestInstance.on(network, namespace, priority: priority)
                let peer = namespace == network.a ? network.addressB : network.addressA
                instance.extra = ["unicast_peer {", "    \(peer)", "}"]
                return instance
            }
            try await TwoRouters.with(
                a: { unicast($0, $0.a, priority: 100) }, b: { unicast($0, $0.b, priority: 150) }
            ) { routers in
                try await routers.b.waitForState("MASTER")
                try await routers.a.waitForState("BACKUP")
                try await waitUntil("B holds the VIP") { try routers.holdsVirtualAddress(routers.b) }
                #expect(try !routers.holdsVirtualAddress(routers.a))
                #expect(try routers.a.property("MasterAddress") as? String == routers.network.addressB)
            }
        }

        /// keepalived running another virtual router on the link: vrrpd drops those adverts,
        /// counts them by reason, and logs the reason once (not once per advert).
        @Test(.enabled(if: KeepalivedProcess.isAvailable, "needs Debian's keepalived"))
        func advertsForAnotherVirtualRouterAreDroppedCountedAndLoggedOnce() async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { bus in
                    let ours = TestInstance.on(network, network.a, priority: 100)
                    var theirs = TestInstance.on(network, network.b, priority: 150)
                    theirs.virtualRouterID = 52
                    theirs.virtualAddress = network.address(200)
                    try await KeepalivedProcess.with(namespace: network.b, configuration: theirs.configuration) { _ in
                        try await VRRPDProcess.with(namespace: network.a, configuration: ours.configuration, bus: bus) {
                            vrrpd in
                            try await waitUntil("vrrpd counted ten adverts for VRID 52") {
                                try vrrpd.stats()["VI_1"]?["unknown_vrid"] ?? 0 >= 10
                            }
                            #expect(try vrrpd.stats()["VI_1"]?["adverts_received"] == 0)
                            #expect(try vrrpd.state() == "MASTER")
                            let logged = vrrpd.log.components(separatedBy: "dropped advert from \(network.addressB)")
                            #expect(logged.count - 1 == 1, "\(vrrpd.log)")
                        }
                    }
                }
            }
        }
    }
}
