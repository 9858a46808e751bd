import Testing

@testable import KeepalivedConfig

/// VRID clashes, sync group intervals, unicast peers, auth_pass and virtual servers off the VIPs.
struct LintRulesTests {
    @Test func theSameVRIDTwiceOnOneInterfaceFires() throws {
        let text = LintTest.instance("VI_A", vrid: 51) + LintTest.instance("VI_B", vrid: 51, vip: "192.0.2.20/24")
        let finding = try #require(try LintTest.findings(text).first { $0.rule == .duplicateVRID })
        #expect(finding.message.contains("(VI_B) virtual_router_id 51 on eth0 is already used by VI_A"))
        #expect(finding.location == SourceLocation(file: "test.conf", line: 14, column: 5))
        #expect(finding.fix.contains("1 is free"))
    }

    @Test func theSameVRIDOnOtherInterfacesOrFamiliesStaysQuiet() throws {
        let interfaces =
            LintTest.instance("VI_A", vrid: 51) + LintTest.instance("VI_B", vrid: 51, interface: "eth1")
        #expect(try LintTest.rules(interfaces).isEmpty)
        let families =
            LintTest.instance("VI_A", vrid: 51)
            + LintTest.instance("VI_B", vrid: 51, vip: "2001:db8::10/64", "    version 3")
        #expect(try LintTest.rules(families).isEmpty)
    }

    static func syncGroup(_ first: String, _ second: String) -> String {
        "vrrp_sync_group G {\n    group {\n        VI_A\n        VI_B\n    }\n}\n"
            + LintTest.instance("VI_A", vrid: 51, "    advert_int \(first)")
            + LintTest.instance("VI_B", vrid: 52, vip: "192.0.2.20/24", "    advert_int \(second)")
    }

    @Test func differentAdvertIntervalsInASyncGroupFire() throws {
        let finding = try #require(try LintTest.findings(Self.syncGroup("1", "3")).first)
        #expect(finding.rule == .syncGroupAdvertInterval)
        #expect(finding.message.contains("(VI_B) advert_int 3 differs from VI_A's 1 in sync group G"))
        #expect(finding.fix.contains("advert_int 1"))
    }

    @Test func equalAdvertIntervalsInASyncGroupStayQuiet() throws {
        #expect(try LintTest.rules(Self.syncGroup("2", "2")).isEmpty)
    }

    static func unicast(peers: [String]) -> String {
        let list = peers.map { "        \($0)" }.joined(separator: "\n")
        return LintTest.instance("VI_1", "    unicast_src_ip 10.0.0.1\n    unicast_peer {\n\(list)\n    }")
    }

    @Test func aUnicastPeerThatIsOurOwnSourceFires() throws {
        let finding = try #require(try LintTest.findings(Self.unicast(peers: ["10.0.0.2", "10.0.0.1"])).first)
        #expect(finding.rule == .unicastPeerIsSelf)
        #expect(finding.location == SourceLocation(file: "test.conf", line: 12, column: 9))
    }

    @Test func unicastPeersThatAreOtherNodesStayQuiet() throws {
        #expect(try LintTest.rules(Self.unicast(peers: ["10.0.0.2", "10.0.0.3"])).isEmpty)
    }

    static func authentication(_ password: String) -> String {
        LintTest.instance("VI_1", "    authentication {\n        auth_type PASS\n        auth_pass \(password)\n    }")
    }

    @Test func anAuthPassLongerThan8CharactersFires() throws {
        let finding = try #require(try LintTest.findings(Self.authentication("longsecret")).first)
        #expect(finding.rule == .longAuthPass)
        #expect(finding.message.contains("auth_pass is 10 characters"))
        #expect(finding.fix.contains("auth_pass longsecr"))
        #expect(finding.location == SourceLocation(file: "test.conf", line: 11, column: 19))
    }

    @Test func anAuthPassOf8CharactersStaysQuiet() throws {
        #expect(try LintTest.rules(Self.authentication("s3cret12")).isEmpty)
    }

    @Test func aModelBuiltInCodeIsCheckedToo() {
        var instance = VRRPInstance(name: "VI_1", interface: "eth0", virtualRouterID: 1)
        instance.authentication = .init(type: .pass, password: "ninechars")
        var config = KeepalivedConfiguration()
        config.instances = [instance]
        #expect(ConfigLinter().lint(config).map(\.rule) == [.longAuthPass])
    }

    static func virtualServer(_ address: String) -> String {
        LintTest.instance(vip: "192.0.2.10/24")
            + "virtual_server \(address) 80 {\n    real_server 198.51.100.1 80 {\n        TCP_CHECK {\n        }\n    }\n}\n"
    }

    @Test func aVirtualServerOffTheVIPsFires() throws {
        let finding = try #require(try LintTest.findings(Self.virtualServer("192.0.2.99")).first)
        #expect(finding.rule == .virtualServerNotVIP)
        #expect(finding.location == SourceLocation(file: "test.conf", line: 11, column: 1))
        #expect(finding.fix.contains("192.0.2.10"))
    }

    @Test func aVirtualServerOnAVIPStaysQuiet() throws {
        #expect(try LintTest.rules(Self.virtualServer("192.0.2.10")).isEmpty)
    }
}
