import Foundation
import Testing

extension VRRPDaemonIntegrationTests {
    /// `static_ipaddress`, `static_routes`, `static_rules` are there from the start, whatever the
    /// instance's state, stay through its transitions and stay after vrrpd stops, as keepalived
    /// leaves them. `promote_secondaries` sets the interface's sysctl while vrrpd runs.
    @Suite(.enabled(if: getuid() == 0, "needs root: creates network namespaces"))
    struct StaticNetworkTests {
        static func statics(_ network: RouterNetwork) -> String {
            """
            static_ipaddress {
                \(network.address(50))/24 dev \(network.interfaceB)
            }
            static_routes {
                198.51.100.0/24 via \(network.address(3)) dev \(network.interfaceB)
            }
            static_rules {
                from \(network.address(50)) table 100
            }

            """
        }

        static func present(_ network: RouterNetwork) throws -> (address: Bool, route: Bool, rule: Bool) {
            let address = try network.addresses(in: network.b, interface: network.interfaceB).contains(network.address(50))
            let route = try run("/usr/sbin/ip", ["-n", network.b, "route", "show", "198.51.100.0/24"])
            let rules = try run("/usr/sbin/ip", ["-n", network.b, "rule", "show"])
            return (address, route.contains("via \(network.address(3))"), rules.contains("from \(network.address(50)) lookup 100"))
        }

        static func promoteSecondaries(_ network: RouterNetwork) throws -> String {
            try run(
                "/usr/sbin/ip",
                ["netns", "exec", network.b, "/usr/bin/cat", "/proc/sys/net/ipv4/conf/\(network.interfaceB)/promote_secondaries"]
            ).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        @Test func staticsStayThroughTransitionsAndStop() async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { busA in
                    try await PrivateBus.with { busB in
                        let high = TestInstance.on(network, network.a, priority: 200)
                        var low = TestInstance.on(network, network.b, priority: 100)
                        low.extra = ["promote_secondaries"]
                        #expect(try Self.promoteSecondaries(network) == "0")
                        try await VRRPDProcess.with(namespace: network.a, configuration: high.configuration, bus: busA) {
                            a in
                            try await a.waitForState("MASTER")
                            let b = try VRRPDProcess(
                                namespace: network.b, configuration: Self.statics(network) + low.configuration, bus: busB)
                            do {
                                try await b.waitForState("BACKUP")
                                try await waitUntil("statics are added while BACKUP") {
                                    let present = try Self.present(network)
                                    return present.address && present.route && present.rule
                                }
                                #expect(try Self.promoteSecondaries(network) == "1")
                                await a.stop()
                                try await b.waitForState("MASTER")
                                var present = try Self.present(network)
                                #expect(present.address && present.route && present.rule)
                                await b.stop()
                                present = try Self.present(network)
                                #expect(present.address && present.route && present.rule, "left in place on stop")
                                #expect(try !network.holdsVirtualAddress(network.b), "the VIP goes on stop")
                                #expect(try Self.promoteSecondaries(network) == "0", "the sysctl is put back")
                                await b.cleanUp()
                            } catch {
                                let log = b.log
                                await b.cleanUp()
                                throw TestFailure("\(error)\n--- vrrpd in b ---\n\(log)")
                            }
                        }
                    }
                }
            }
        }
    }
}
