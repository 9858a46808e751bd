import Testing
import VRRP

@Suite("Configuration, addresses and time values")
struct StateMachineValueTests {
    @Test("addresses compare as unsigned big-endian numbers")
    func addressOrder() throws {
        #expect(VRRPRouterAddress.ipv4(10, 0, 0, 2) > .ipv4(10, 0, 0, 1))
        #expect(VRRPRouterAddress.ipv4(192, 168, 0, 1) > .ipv4(10, 255, 255, 255))
        #expect(VRRPRouterAddress.ipv4(10, 0, 1, 0) > .ipv4(10, 0, 0, 255))
        let low = try VRRPRouterAddress(bytes: [0xfe, 0x80] + Array(repeating: 0, count: 13) + [1])
        let high = try VRRPRouterAddress(bytes: [0xfe, 0x80] + Array(repeating: 0, count: 13) + [0x80])
        #expect(low < high)
        #expect(low.family == .ipv6)
        #expect(low.description == "fe80::1")
        #expect(VRRPRouterAddress.ipv4(10, 0, 0, 254).description == "10.0.0.254")
        let mixed = try VRRPRouterAddress(bytes: [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1])
        #expect(mixed.description == "2001:db8:0:1::1")
        #expect(throws: VRRPConfigurationError.invalidAddressLength(5)) {
            try VRRPRouterAddress(bytes: [1, 2, 3, 4, 5])
        }
    }

    @Test("configuration values are bounded as keepalived bounds them")
    func configurationBounds() throws {
        #expect(throws: VRRPConfigurationError.priorityOutOfRange(0)) { try instance(priority: 0) }
        #expect(throws: VRRPConfigurationError.advertIntervalOutOfRange(.centiseconds(150), .v2)) {
            try instance(version: .v2, interval: .centiseconds(150))
        }
        #expect(throws: VRRPConfigurationError.advertIntervalOutOfRange(.centiseconds(4096), .v3)) {
            try instance(version: .v3, interval: .centiseconds(4096))
        }
        #expect(throws: VRRPConfigurationError.preemptDelayOutOfRange(.seconds(1001))) {
            try instance(preemptDelay: .seconds(1001))
        }
        #expect(throws: VRRPConfigurationError.weightOutOfRange(.init(.script, "a"), 300)) {
            try instance(tracking: [VRRPTrackedObject(.script, "a", weight: 300)])
        }
        #expect(throws: VRRPConfigurationError.duplicateTrackedObject(.init(.script, "a"))) {
            try instance(tracking: [VRRPTrackedObject(.script, "a"), VRRPTrackedObject(.script, "a")])
        }
        #expect(throws: VRRPConfigurationError.emptyName) { try instance("") }
        // A script and an interface may share a name.
        _ = try instance(tracking: [VRRPTrackedObject(.script, "eth0"), VRRPTrackedObject(.interface, "eth0")])
    }

    @Test("`state MASTER` clears nopreempt and preempt_delay; nopreempt clears preempt_delay")
    func keepalivedNormalisation() throws {
        let master = try instance(initialState: .master, preempt: false, preemptDelay: .seconds(5))
        #expect(master.configuration.preempt)
        #expect(master.configuration.preemptDelay == .zero)
        let quiet = try instance(preempt: false, preemptDelay: .seconds(5))
        #expect(!quiet.configuration.preempt)
        #expect(quiet.configuration.preemptDelay == .zero)
    }

    @Test("events dispatch to the same transitions as the direct calls")
    func eventDispatch() throws {
        var direct = try instance()
        var dispatched = direct
        let advert = VRRPReceivedAdvert(priority: 200, advertInterval: .seconds(1), sender: address(9))
        #expect(direct.start(now: at(0)) == (try dispatched.handle(.start, now: at(0))))
        #expect(
            direct.receiveAdvert(advert, now: at(10)) == (try dispatched.handle(.advertReceived(advert), now: at(10))))
        #expect(direct.timerFired(now: at(400)) == (try dispatched.handle(.timerFired, now: at(400))))
        var changed = direct.configuration
        changed.priority = 120
        #expect(direct.reload(changed, now: at(450)) == (try dispatched.handle(.reload(changed), now: at(450))))
        #expect(dispatched.effectivePriority == 120)
        #expect(direct.state == dispatched.state)
        #expect(direct.timer == dispatched.timer)
    }
}
