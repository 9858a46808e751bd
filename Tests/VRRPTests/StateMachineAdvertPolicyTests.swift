import Testing
import VRRP

/// keepalived's advert policy knobs on the injected clock: v3, 100 cs adverts, priority 100
/// (skew 60 cs) unless a test says otherwise.
@Suite("Advert policy: lower/higher priority adverts, lower priority GARP, down timer adverts")
struct StateMachineAdvertPolicyTests {
    func master(priority: UInt8 = 100, policy: VRRPAdvertPolicy) throws -> VRRPStateMachine {
        var machine = VRRPStateMachine(
            configuration: try VRRPInstanceConfiguration(
                name: "VI_1", priority: priority, primaryAddress: address(5), advertPolicy: policy))
        _ = machine.start(now: at(0))
        _ = machine.timerFired(now: machine.timer!.deadline)
        #expect(machine.state == .master)
        return machine
    }

    func advert(_ priority: UInt8, from last: UInt8) -> VRRPReceivedAdvert {
        VRRPReceivedAdvert(priority: priority, advertInterval: .seconds(1), sender: address(last))
    }

    @Test("by default a MASTER answers a lower priority advert at once (keepalived)")
    func lowerPriorityAnswered() throws {
        var machine = try master(policy: .keepalivedDefault)
        let actions = machine.receiveAdvert(advert(50, from: 9), now: at(1000))
        #expect(actions.advertPriorities == [100])
        #expect(!actions.contains { if case .sendGratuitousARPBurst = $0 { true } else { false } })
    }

    @Test("lower_prio_no_advert: the MASTER stays silent, as the RFCs say")
    func lowerPriorityNoAdvert() throws {
        var machine = try master(policy: VRRPAdvertPolicy(lowerPriorityNoAdvert: true))
        let actions = machine.receiveAdvert(advert(50, from: 9), now: at(1000))
        #expect(actions.advertPriorities.isEmpty)
        #expect(machine.state == .master)
        #expect(actions.logLines == ["VRRP_Instance(VI_1) Received advert from 10.0.0.9 with lower priority 50, ours 100"])
        // The advert timer is untouched: the next advert still goes at its time.
        #expect(machine.timer?.kind == .advertisement)
    }

    @Test("garp_lower_prio_repeat/delay: a lower priority advert makes the MASTER re-announce its VIPs")
    func lowerPriorityGARP() throws {
        let policy = try VRRPAdvertPolicy(
            lowerPriorityNoAdvert: true, lowerPriorityGARPRepeat: 3, lowerPriorityGARPDelay: .seconds(10))
        var machine = try master(policy: policy)
        let actions = machine.receiveAdvert(advert(50, from: 9), now: at(1000))
        #expect(actions.contains(.sendGratuitousARPBurst(count: 3, secondBurstAfter: .seconds(10))))
        #expect(actions.advertPriorities.isEmpty)
        // A higher priority advert never triggers the burst.
        let higher = machine.receiveAdvert(advert(200, from: 9), now: at(1100))
        #expect(!higher.contains { if case .sendGratuitousARPBurst = $0 { true } else { false } })
    }

    @Test("higher_prio_send_advert: one advert of ours before going BACKUP")
    func higherPrioritySendAdvert() throws {
        var machine = try master(policy: VRRPAdvertPolicy(higherPrioritySendAdvert: true))
        let actions = machine.receiveAdvert(advert(200, from: 9), now: at(1000))
        #expect(machine.state == .backup)
        #expect(actions.advertPriorities == [100])
        let sent = try #require(actions.firstIndex(of: .sendAdvert(priority: 100)))
        let left = try #require(actions.firstIndex(of: .stateChanged(from: .master, to: .backup, reason: "higher priority 200 advert from 10.0.0.9")))
        #expect(sent < left)

        var plain = try master(policy: .keepalivedDefault)
        let quiet = plain.receiveAdvert(advert(200, from: 9), now: at(1000))
        #expect(plain.state == .backup)
        #expect(quiet.advertPriorities.isEmpty)
    }

    @Test("down_timer_adverts 5: master down after 5 intervals plus skew, not 3")
    func downTimerAdverts() throws {
        var machine = VRRPStateMachine(
            configuration: try VRRPInstanceConfiguration(
                name: "VI_1", priority: 100, primaryAddress: address(5),
                advertPolicy: VRRPAdvertPolicy(downTimerAdverts: 5)))
        #expect(machine.masterDownInterval == .centiseconds(560))
        let started = machine.start(now: at(0))
        #expect(started.armedTimers == [at(560)])
        // An advert from a higher priority master restarts the same longer timer.
        let heard = machine.receiveAdvert(advert(150, from: 9), now: at(300))
        #expect(heard.armedTimers == [at(860)])
        #expect(machine.timerFired(now: at(859)).isEmpty)
        _ = machine.timerFired(now: at(860))
        #expect(machine.state == .master)
    }

    @Test("out of range policy values are refused")
    func refused() {
        #expect(throws: VRRPConfigurationError.downTimerAdvertsOutOfRange(0)) {
            try VRRPAdvertPolicy(downTimerAdverts: 0)
        }
        #expect(throws: VRRPConfigurationError.downTimerAdvertsOutOfRange(101)) {
            try VRRPAdvertPolicy(downTimerAdverts: 101)
        }
        #expect(throws: VRRPConfigurationError.garpRepeatOutOfRange(-1)) {
            try VRRPAdvertPolicy(lowerPriorityGARPRepeat: -1)
        }
    }
}
