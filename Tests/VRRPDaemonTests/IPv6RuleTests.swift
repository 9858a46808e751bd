import Foundation
import KeepalivedConfig
import Testing
import VRRPDaemon

/// `virtual_rules` and `static_rules` for IPv6: `ip -6 rule` lines, by family of their
/// prefixes or by `inet6`.
@Suite struct IPv6RuleSettingsTests {
    func rules(_ lines: [String]) throws -> Result<InstanceSettings, InstanceSettingsError> {
        let text = """
            vrrp_instance VI_6 {
                interface eth0
                virtual_router_id 51
                priority 150
                virtual_ipaddress {
                    fd00::100/64
                }
                virtual_rules {
            \(lines.map { "        " + $0 }.joined(separator: "\n"))
                }
            }
            """
        let configuration = try ConfigLoader().load(text: text).configuration
        let instance = try #require(configuration.instances.first)
        return Result { () throws(InstanceSettingsError) in
            try InstanceSettings(instance, globals: configuration.globalDefinitions)
        }
    }

    @Test func theFamilyComesFromThePrefixesOrInet6() throws {
        let settings = try rules([
            "from fd00:1::/64 table 100 priority 1000", "to 2001:db8::/32 table 101", "inet6 fwmark 7 table 102",
            "from 10.1.0.0/16 table 103",
        ]).get()
        #expect(settings.virtualRules.map(\.family) == [.ipv6, .ipv6, .ipv6, .ipv4])
        #expect(settings.virtualRules[0].from?.description == "fd00:1::/64")
        #expect(settings.virtualRules[1].to?.description == "2001:db8::/32")
        #expect(settings.virtualRules[2].fwmark == 7)
    }

    @Test func mixedFamiliesAreRefused() throws {
        for line in ["from 10.1.0.0/16 to fd00::/64 table 100", "inet6 from 10.1.0.0/16 table 100"] {
            #expect(throws: InstanceSettingsError.self, "\(line)") { try rules([line]).get() }
        }
    }
}

extension VRRPDaemonIntegrationTests {
    /// IPv6 `virtual_rules` follow mastership and IPv6 `static_rules` are there in every state,
    /// read back with `ip -6 rule`.
    @Suite(.enabled(if: getuid() == 0, "needs root: creates network namespaces"))
    struct IPv6RuleTests {
        static func configuration(_ network: RouterNetwork, _ namespace: String, priority: Int) -> String {
            var instance = TestInstance.ipv6(on: network, namespace, priority: priority)
            instance.extra = [
                "virtual_rules {",
                "    from fd00:77::/64 table 100 priority 1000",
                "    inet6 fwmark 7 table 101 priority 1001",
                "}",
            ]
            return "static_rules {\n    to 2001:db8:5::/48 table 200 priority 2000\n}\n" + instance.configuration
        }

        /// `ip -6 rule show` in a namespace.
        static func rules(_ namespace: String) throws -> String {
            try run("/usr/sbin/ip", ["-n", namespace, "-6", "rule", "show"])
        }

        static let virtualLines = ["1000:\tfrom fd00:77::/64 lookup 100", "1001:\tfrom all fwmark 0x7 lookup 101"]
        static let staticLine = "2000:\tfrom all to 2001:db8:5::/48 lookup 200"

        static func holdsVirtualRules(_ namespace: String) throws -> Bool {
            let shown = try rules(namespace)
            return virtualLines.allSatisfy { shown.contains($0) }
        }

        @Test func virtualRulesFollowMastershipAndStaticRulesStay() async throws {
            try await TwoRouters.with(
                configurationA: { Self.configuration($0, $0.a, priority: 150) },
                configurationB: { Self.configuration($0, $0.b, priority: 100) }
            ) { routers in
                let network = routers.network
                try await routers.a.waitForState("MASTER")
                try await routers.b.waitForState("BACKUP")
                try await waitUntil("A has the IPv6 virtual rules") { try Self.holdsVirtualRules(network.a) }
                let rulesB = try Self.rules(network.b)
                #expect(!rulesB.contains("lookup 100") && !rulesB.contains("lookup 101"), "\(rulesB)")
                try await waitUntil("both have the IPv6 static rule") {
                    try Self.rules(network.a).contains(Self.staticLine)
                        && Self.rules(network.b).contains(Self.staticLine)
                }
                #expect(
                    try !run("/usr/sbin/ip", ["-n", network.a, "-4", "rule", "show"]).contains("lookup 10"),
                    "nothing went into the IPv4 rules")

                await routers.a.stop(signal: SIGTERM)
                try await routers.b.waitForState("MASTER")
                try await waitUntil("B has the IPv6 virtual rules") { try Self.holdsVirtualRules(network.b) }
                let rulesA = try Self.rules(network.a)
                #expect(!rulesA.contains("lookup 100") && !rulesA.contains("lookup 101"), "\(rulesA)")
                #expect(rulesA.contains(Self.staticLine), "static rules stay when vrrpd stops")
            }
        }
    }
}
