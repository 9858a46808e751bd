import Testing
import VRRP

@Suite("Skew_Time and Master_Down_Interval")
struct StateMachineTimerTests {
    @Test("v3, 100 cs, priority 100: skew 60 cs, MDI 360 cs")
    func v3Numbers() throws {
        let machine = try instance(version: .v3, priority: 100, interval: .centiseconds(100))
        #expect(machine.skewTime == .centiseconds(60))
        #expect(machine.masterDownInterval == .centiseconds(360))
    }

    @Test("v3 skew scales with the interval, v2 skew does not")
    func v2AndV3Scaling() throws {
        let v3 = try instance(version: .v3, priority: 200, interval: .centiseconds(300))
        #expect(v3.skewTime == .centiseconds(65))  // 56 × 300 / 256 = 65.6
        #expect(v3.masterDownInterval == .centiseconds(965))
        let v2 = try instance(version: .v2, priority: 200, interval: .seconds(3))
        #expect(v2.skewTime == .centiseconds(21))  // 56 / 256 s = 0.21875 s
        #expect(v2.masterDownInterval == .centiseconds(921))
        let top = try instance(version: .v3, priority: 254, interval: .centiseconds(100))
        #expect(top.skewTime == .zero)
        #expect(top.masterDownInterval == .centiseconds(300))
    }

    @Test("alone on the link, v3: BACKUP at startup, MASTER exactly at 360 cs")
    func v3BackupBecomesMasterAtMasterDownInterval() throws {
        var machine = try instance(version: .v3, priority: 100, interval: .centiseconds(100))
        let startup = machine.start(now: at(0))
        #expect(machine.state == .backup)
        #expect(startup.contains(.removeVirtualAddresses))
        #expect(startup.logLines == ["VRRP_Instance(VI_1) Entering BACKUP STATE"])
        #expect(startup.last == .armTimer(.masterDown, at: at(360)))

        #expect(machine.timerFired(now: at(359)).isEmpty)
        #expect(machine.state == .backup)

        let takeover = machine.timerFired(now: at(360))
        #expect(machine.state == .master)
        #expect(machine.lastTransition == at(360))
        #expect(machine.lastReason == "master down timer expired")
        #expect(
            takeover == [
                .log("VRRP_Instance(VI_1) Transition to MASTER STATE"),
                .sendAdvert(priority: 100),
                .log("VRRP_Instance(VI_1) Entering MASTER STATE"),
                .stateChanged(from: .backup, to: .master, reason: "master down timer expired"),
                .addVirtualAddresses,
                .sendGratuitousARP,
                .notify(.master),
                .armTimer(.advertisement, at: at(460)),
            ])
        #expect(machine.masterAddress == address(1))
    }

    @Test("alone on the link, v2, 3 s, priority 200: MASTER at 9.21 s, adverts every 3 s")
    func v2BackupBecomesMaster() throws {
        var segment = Segment([try instance(version: .v2, priority: 200, interval: .seconds(3))])
        try segment.start("VI_1")
        segment.run(until: at(2000))
        #expect(segment.transitions(of: "VI_1").map(\.0) == [at(0), at(921)])
        #expect(segment.transitions(of: "VI_1").map(\.1) == [.backup, .master])
        #expect(segment.adverts(from: "VI_1", priority: 200) == [at(921), at(1221), at(1521), at(1821)])
    }

    @Test("a MASTER advertises every advert_int, exactly")
    func masterAdvertTimer() throws {
        var segment = Segment([try instance(version: .v3, priority: 100, interval: .centiseconds(50))])
        try segment.start("VI_1")
        segment.run(until: at(500))
        // MDI = 150 + 156 × 50 / 256 (30) = 180.
        #expect(segment.adverts(from: "VI_1", priority: 100) == [180, 230, 280, 330, 380, 430, 480].map(at))
    }

    @Test("a late timer still fires; an early or stale one does nothing")
    func timerEdges() throws {
        var machine = try instance()
        #expect(machine.timerFired(now: at(1000)).isEmpty)  // nothing armed before start
        _ = machine.start(now: at(0))
        #expect(machine.timerFired(now: at(100)).isEmpty)
        let late = machine.timerFired(now: at(400))
        #expect(machine.state == .master)
        #expect(late.last == .armTimer(.advertisement, at: at(500)))
    }

    @Test("instants convert from and to Duration, rounding down to the centisecond")
    func instantConversion() {
        #expect(VRRPInstant(sinceOrigin: .milliseconds(3609)) == at(360))
        #expect(VRRPInstant(sinceOrigin: .seconds(2)) == at(200))
        #expect(VRRPInstant(sinceOrigin: .milliseconds(-5)) == at(-1))
        #expect(at(360).sinceOrigin == .milliseconds(3600))
        #expect(at(460) - at(360) == .centiseconds(100))
        #expect(VRRPDuration.centiseconds(361).description == "3.61s")
        #expect(VRRPDuration.centiseconds(5).description == "0.05s")
    }
}
