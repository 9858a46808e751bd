import Foundation
import Testing

extension VRRPDaemonIntegrationTests {
    /// vrrpd and Debian's keepalived on one link running VRRPv3 over IPv6, multicast and
    /// unicast: each follows the other as BACKUP and takes over when it stops, and vrrpd drops
    /// none of keepalived's adverts (so their checksums agree).
    @Suite(
        .enabled(if: getuid() == 0, "needs root: creates network namespaces"),
        .enabled(if: KeepalivedProcess.isAvailable, "needs Debian's keepalived"))
    struct KeepalivedIPv6InteropTests {
        enum Transport: String, CaseIterable, CustomTestStringConvertible {
            case multicast
            case unicastLinkLocal
            case unicastGlobal

            var testDescription: String { rawValue }

            func instance(_ network: RouterNetwork, _ namespace: String, priority: Int) throws -> TestInstance {
                var instance = TestInstance.ipv6(on: network, namespace, priority: priority)
                let isA = namespace == network.a
                switch self {
                case .multicast:
                    break
                case .unicastLinkLocal:
                    let peer = try network.linkLocal(of: isA ? network.b : network.a)
                    instance.extra = ["unicast_peer {", "    \(peer)", "}"]
                case .unicastGlobal:
                    instance.extra = [
                        "unicast_src_ip \(isA ? network.address6A : network.address6B)",
                        "unicast_peer {", "    \(isA ? network.address6B : network.address6A)", "}",
                    ]
                }
                return instance
            }

            /// Where the router in `namespace` sends its adverts from.
            func source(_ network: RouterNetwork, _ namespace: String) throws -> String {
                switch self {
                case .multicast, .unicastLinkLocal: try network.linkLocal(of: namespace)
                case .unicastGlobal: namespace == network.a ? network.address6A : network.address6B
                }
            }
        }

        static let globals = "global_defs {\n    router_id kavd_test6\n}\n"

        /// keepalived is MASTER, vrrpd its BACKUP; vrrpd takes over when keepalived stops.
        @Test(arguments: Transport.allCases)
        func vrrpdFollowsAndReplacesKeepalived(_ transport: Transport) async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { bus in
                    let ours = try transport.instance(network, network.a, priority: 100)
                    let theirs = try transport.instance(network, network.b, priority: 150)
                    try await KeepalivedProcess.with(
                        namespace: network.b, configuration: Self.globals + theirs.configuration
                    ) { keepalived in
                        try await VRRPDProcess.with(namespace: network.a, configuration: ours.configuration, bus: bus) {
                            vrrpd in
                            try await waitUntil("keepalived holds the VIP") {
                                try network.holdsVirtualAddress6(network.b)
                            }
                            try await vrrpd.waitForState("BACKUP")
                            let master = try transport.source(network, network.b)
                            try await waitUntil("vrrpd follows keepalived at \(master)") {
                                try vrrpd.property("MasterAddress") as? String == master
                            }
                            #expect(try !network.holdsVirtualAddress6(network.a))
                            await keepalived.stop()
                            try await vrrpd.waitForState("MASTER")
                            try await waitUntil("vrrpd holds the VIP") { try network.holdsVirtualAddress6(network.a) }
                            let reason = try vrrpd.property("LastReason") as? String ?? ""
                            #expect(reason.contains("resigned (priority 0)"), "\(reason)")
                            try await waitUntil("vrrpd's published stats count keepalived's adverts") {
                                try vrrpd.stats()["VI_1"]?["adverts_received"] ?? 0 > 0
                            }
                            let counters = try vrrpd.stats()["VI_1"] ?? [:]
                            #expect(Set(counters.keys) == ["adverts_sent", "adverts_received"], "\(counters)")
                        }
                    }
                }
            }
        }

        /// vrrpd is MASTER, keepalived its BACKUP; keepalived takes over when vrrpd stops.
        @Test(arguments: Transport.allCases)
        func keepalivedFollowsAndReplacesVRRPD(_ transport: Transport) async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { bus in
                    let ours = try transport.instance(network, network.a, priority: 150)
                    let theirs = try transport.instance(network, network.b, priority: 100)
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
                            #expect(try network.holdsVirtualAddress6(network.a))
                            #expect(try !network.holdsVirtualAddress6(network.b))
                            await vrrpd.stop(signal: SIGTERM)
                            try await waitUntil("keepalived holds the VIP") {
                                try network.holdsVirtualAddress6(network.b)
                            }
                            #expect(try !network.holdsVirtualAddress6(network.a))
                        }
                    }
                }
            }
        }
    }
}
