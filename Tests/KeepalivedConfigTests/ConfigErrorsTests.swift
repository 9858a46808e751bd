import Testing

@testable import KeepalivedConfig

/// Each malformed input is refused with the one right error at file:line:column.
@Suite struct ConfigErrorsTests {
    /// An instance wrapped around `body`, starting on line 1; body lines start on line 5.
    static func instance(_ body: String, vrid: String = "51", vip: String = "192.0.2.1") -> String {
        """
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id \(vrid)
            virtual_ipaddress { \(vip) }
        \(body)
        }
        """
    }

    static func expectOneError(
        _ text: String, line: Int, column: Int, _ message: String,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        let errors = VRRPModelText.errors(text)
        #expect(errors.count == 1, "\(errors.map(\.description))", sourceLocation: sourceLocation)
        guard let error = errors.first else { return }
        #expect(error.location.file == "bad.conf", sourceLocation: sourceLocation)
        #expect(error.location.line == line, "\(error)", sourceLocation: sourceLocation)
        #expect(error.location.column == column, "\(error)", sourceLocation: sourceLocation)
        #expect(error.message.contains(message), "\(error)", sourceLocation: sourceLocation)
        #expect(error.description.hasPrefix("bad.conf:\(line):\(column): error: "), sourceLocation: sourceLocation)
    }

    /// keepalived only says "Unknown keyword 'vrrp_instance'" and drops the whole instance;
    /// dropping an instance silently is worse than refusing the file.
    @Test func instanceInsideGlobalDefs() {
        Self.expectOneError(
            """
            global_defs {
                router_id A
                vrrp_instance VI_1 {
                    interface eth0
                }
            }
            """, line: 3, column: 5, "'vrrp_instance' is a top-level block and cannot be inside global_defs")
    }

    @Test func scriptInsideInstance() {
        Self.expectOneError(
            Self.instance("    vrrp_script chk {\n        script /bin/true\n    }"), line: 5, column: 5,
            "'vrrp_script' is a top-level block and cannot be inside vrrp_instance")
    }

    @Test func badVirtualAddress() {
        Self.expectOneError(Self.instance("", vip: "192.0.2.300"), line: 4, column: 25, "got '192.0.2.300'")
    }

    @Test func badVirtualAddressPrefix() {
        Self.expectOneError(Self.instance("", vip: "192.0.2.3/33"), line: 4, column: 25, "got '192.0.2.3/33'")
    }

    @Test func badUnicastPeer() {
        Self.expectOneError(
            Self.instance("    unicast_peer {\n        2001:db8::zz\n    }"), line: 6, column: 9, "got '2001:db8::zz'")
    }

    @Test func badNumber() {
        Self.expectOneError(
            Self.instance("    priority high"), line: 5, column: 14, "'priority' expects an integer, got 'high'")
    }

    @Test func virtualRouterIDAboveRange() {
        Self.expectOneError(
            Self.instance("", vrid: "256"), line: 3, column: 23, "'virtual_router_id' must be in 1...255, got 256")
    }

    @Test func virtualRouterIDZero() {
        Self.expectOneError(Self.instance("", vrid: "0"), line: 3, column: 23, "must be in 1...255, got 0")
    }

    @Test func priorityZero() {
        Self.expectOneError(
            Self.instance("    priority 0"), line: 5, column: 14, "'priority' must be in 1...255, got 0")
    }

    @Test func priorityAboveRange() {
        Self.expectOneError(
            Self.instance("    priority 256"), line: 5, column: 14, "'priority' must be in 1...255, got 256")
    }

    @Test func trackInterfaceWeightOutOfRange() {
        Self.expectOneError(
            Self.instance("    track_interface {\n        eth1 weight 254\n    }"), line: 6, column: 21,
            "'weight' must be in -253...253, got 254")
    }

    @Test func scriptWeightOutOfRange() {
        Self.expectOneError(
            "vrrp_script chk {\n    script /bin/true\n    weight -254\n}", line: 3, column: 12,
            "'weight' must be in -253...253, got -254")
    }

    @Test func fractionalAdvertIntervalInVersion2() {
        Self.expectOneError(
            Self.instance("    advert_int 1.5"), line: 5, column: 5,
            "VRRPv2 advertisement interval 1.5s must be an integer")
    }

    @Test func fractionalAdvertIntervalFromGlobalVersion2() {
        Self.expectOneError(
            "global_defs {\n    vrrp_version 2\n}\n" + Self.instance("    advert_int 0.5"), line: 8, column: 5,
            "must be an integer")
    }

    @Test func advertIntervalNotInHundredthsInVersion3() {
        Self.expectOneError(
            Self.instance("    version 3\n    advert_int 0.125"), line: 6, column: 5, "must be in units of 10ms")
    }

    @Test func advertIntervalBelowMinimum() {
        Self.expectOneError(
            Self.instance("    advert_int 0.005"), line: 5, column: 16, "'advert_int' must be in 0.01...255")
    }

    @Test func undefinedSyncGroupMember() {
        Self.expectOneError(
            "vrrp_sync_group G {\n    group {\n        VI_1\n        VI_X\n    }\n}\n" + Self.instance(""),
            line: 4, column: 9, "virtual router VI_X specified in sync group G doesn't exist")
    }

    @Test func instanceInTwoSyncGroups() {
        Self.expectOneError(
            "vrrp_sync_group A {\n    group {\n        VI_1\n    }\n}\nvrrp_sync_group B {\n    group {\n        VI_1\n    }\n}\n"
                + Self.instance(""), line: 8, column: 9, "already in A")
    }

    @Test func missingVirtualRouterID() {
        Self.expectOneError(
            "vrrp_instance VI_1 {\n    interface eth0\n}", line: 1, column: 1, "the virtual router id must be set")
    }

    @Test func missingInterfaceWithoutUnicastPeers() {
        Self.expectOneError(
            "vrrp_instance VI_1 {\n    virtual_router_id 1\n}", line: 1, column: 1, "has no 'interface'")
    }

    @Test func unknownState() {
        Self.expectOneError(Self.instance("    state PRIMARY"), line: 5, column: 11, "unknown state 'PRIMARY'")
    }

    @Test func unknownAuthenticationType() {
        Self.expectOneError(
            Self.instance("    authentication {\n        auth_type MD5\n    }"), line: 6, column: 19,
            "unknown authentication type 'MD5'")
    }

    @Test func ipv6AddressInStrictVersion2Instance() {
        Self.expectOneError(
            "global_defs {\n    vrrp_strict\n}\n" + Self.instance("    version 2", vip: "fe80::1"), line: 8, column: 5,
            "cannot use IPv6 with VRRP version 2")
    }

    @Test func mixedFamiliesInVirtualAddresses() {
        Self.expectOneError(
            Self.instance("    virtual_ipaddress {\n        2001:db8::1\n    }"), line: 6, column: 9,
            "address family must match VRRP instance [2001:db8::1]")
    }

    @Test func routeWithBadGateway() {
        Self.expectOneError(
            Self.instance("    virtual_routes {\n        10.0.0.0/8 via 10.0.0.256\n    }"), line: 6, column: 24,
            "'via' expects an IPv4 or IPv6 address, got '10.0.0.256'")
    }

    @Test func badBoolean() {
        Self.expectOneError(Self.instance("    smtp_alert maybe"), line: 5, column: 16, "got 'maybe'")
    }

    @Test func badGlobalMulticastGroup() {
        Self.expectOneError(
            "global_defs {\n    vrrp_mcast_group4 ff02::12\n}", line: 2, column: 23, "expects an IPv4 address")
    }

    @Test func unicastPeerOfTheOtherFamily() {
        Self.expectOneError(
            Self.instance("    unicast_peer {\n        2001:db8::2\n    }"), line: 6, column: 9,
            "unicast peer 2001:db8::2 must be of the same family as the instance (inet)")
    }

    @Test func duplicateInstanceName() {
        Self.expectOneError(
            Self.instance("") + "\n" + Self.instance("", vrid: "52"), line: 7, column: 1,
            "vrrp instance VI_1 already defined")
    }

    @Test func strictInstanceWithoutVirtualAddress() {
        Self.expectOneError(
            "global_defs {\n    vrrp_strict\n}\nvrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 1\n}",
            line: 4, column: 1, "(VI_1) No VIP specified; at least one is required")
    }

    @Test func strictIPv6InstanceWhoseFirstAddressIsNotLinkLocal() {
        Self.expectOneError(
            "global_defs {\n    vrrp_strict\n}\n" + Self.instance("", vip: "2001:db8::1"), line: 7, column: 25,
            "the first IPv6 VIP address must be link local")
    }

    @Test func garpDelayAboveKeepalivedsRange() {
        Self.expectOneError(
            Self.instance("    garp_master_delay 5000"), line: 5, column: 23,
            "'garp_master_delay' must be in 0...4294, got 5000")
    }

    @Test func downTimerAdvertsOutOfRange() {
        Self.expectOneError(
            Self.instance("    down_timer_adverts 101"), line: 5, column: 24,
            "'down_timer_adverts' must be in 1...100, got 101")
    }

    /// keepalived 2.2.7: "unknown route keyword dest", and the route is dropped.
    @Test func unknownRouteKeyword() {
        Self.expectOneError(
            Self.instance("    virtual_routes {\n        dest 10.0.0.0/8 via 192.0.2.254\n    }"), line: 6, column: 9,
            "unknown route keyword 'dest'")
    }

    /// keepalived 2.2.7: "Unknown rule option pref".
    @Test func unknownRuleOption() {
        Self.expectOneError(
            "static_rules {\n    from 10.0.0.0/8 table 5 pref 10\n}", line: 2, column: 29, "unknown rule option 'pref'")
    }
}
