import Testing
import VRRP

/// Two or three routers on one segment, v3 with 100 cs adverts unless a test says otherwise.
/// Priority 150: skew 41 cs, MDI 341. Priority 120: skew 53. Priority 100: skew 60, MDI 360.
@Suite("Elections, preemption and address owner")
struct StateMachineElectionTests {
    @Test("both start together: the higher priority wins at its own MDI, the other stays BACKUP")
    func electionByPriority() throws {
        var segment = Segment([
            try instance("A", priority: 150, address: 1), try instance("B", priority: 100, address: 2),
        ])
        try segment.start("A", "B")
        segment.run(until: at(1000))
        #expect(segment.transitions(of: "A").map(\.0) == [at(0), at(341)])
        #expect(segment["A"].state == .master)
        #expect(segment["B"].state == .backup)
        #expect(segment.transitions(of: "B").count == 1)
        // B restarts its timer from every advert: last advert at 941 → deadline 1301.
        #expect(segment["B"].timer == .init(kind: .masterDown, deadline: at(1301)))
        #expect(segment["B"].masterAddress == address(1))
        #expect(segment["B"].masterPriority == 150)
    }

    @Test("equal priority: the higher primary address wins after a split brain heals")
    func tieBrokenByAddress() throws {
        var segment = Segment([
            try instance("A", priority: 100, address: 1), try instance("B", priority: 100, address: 2),
        ])
        segment.linkUp = false
        try segment.start("A", "B")
        segment.run(until: at(400))
        #expect(segment["A"].state == .master)
        #expect(segment["B"].state == .master)
        segment.linkUp = true
        // Both advertise at 460; A (10.0.0.1) hears B first: equal priority, higher address.
        segment.run(until: at(1000))
        #expect(segment["A"].state == .backup)
        #expect(segment["B"].state == .master)
        #expect(segment.transitions(of: "A").last! == (at(460), .backup))
        #expect(segment["A"].lastReason == "equal priority advert from higher address 10.0.0.2")
    }

    @Test("equal priority adverts seen by a MASTER: lower sender → re-advertise, higher → BACKUP")
    func masterEqualPriority() throws {
        var low = try instance(priority: 100, address: 1)
        _ = low.start(now: at(0))
        _ = low.timerFired(now: at(360))
        var high = low
        let fromHigher = VRRPReceivedAdvert(priority: 100, advertInterval: .seconds(1), sender: address(2))
        let lowActions = low.receiveAdvert(fromHigher, now: at(400))
        #expect(low.state == .backup)
        #expect(lowActions.contains(.removeVirtualAddresses))
        #expect(lowActions.armedTimers == [at(760)])

        high = try instance(priority: 100, address: 3)
        _ = high.start(now: at(0))
        _ = high.timerFired(now: at(360))
        let highActions = high.receiveAdvert(fromHigher, now: at(400))
        #expect(high.state == .master)
        #expect(highActions.advertPriorities == [100])
    }

    @Test("a MASTER answers a lower priority advert with an advert at once")
    func lowerPriorityAdvertWhileMaster() throws {
        var machine = try instance(priority: 100)
        _ = machine.start(now: at(0))
        _ = machine.timerFired(now: at(360))
        let actions = machine.receiveAdvert(
            VRRPReceivedAdvert(priority: 50, advertInterval: .seconds(1), sender: address(9)), now: at(400))
        #expect(
            actions == [
                .log("VRRP_Instance(VI_1) Received lower prio advert, forcing new election"),
                .sendAdvert(priority: 100),
            ])
        #expect(machine.state == .master)
        #expect(machine.timer == .init(kind: .advertisement, deadline: at(460)))
    }

    @Test("a MASTER receiving a higher priority advert goes BACKUP, dropping its addresses")
    func higherPriorityAdvertWhileMaster() throws {
        var machine = try instance(priority: 100)
        _ = machine.start(now: at(0))
        _ = machine.timerFired(now: at(360))
        let actions = machine.receiveAdvert(
            VRRPReceivedAdvert(priority: 200, advertInterval: .seconds(1), sender: address(9)), now: at(400))
        #expect(
            actions == [
                .log("VRRP_Instance(VI_1) Received higher prio advert"),
                .log("VRRP_Instance(VI_1) Entering BACKUP STATE"),
                .stateChanged(from: .master, to: .backup, reason: "higher priority 200 advert from 10.0.0.9"),
                .removeVirtualAddresses,
                .notify(.backup),
                .armTimer(.masterDown, at: at(760)),
            ])
        #expect(machine.masterAddress == address(9))
    }

    @Test("priority 0 from the master: the backup takes over after Skew_Time")
    func priorityZeroHandOver() throws {
        var segment = Segment([
            try instance("A", priority: 150, address: 1), try instance("B", priority: 100, address: 2),
        ])
        try segment.start("A", "B")
        segment.run(until: at(1000))
        try segment.perform(.shutdown, on: "A")
        #expect(segment.adverts(from: "A", priority: 0) == [at(1000)])
        #expect(segment["A"].state == .stop)
        segment.run(until: at(2000))
        #expect(segment.transitions(of: "B").last! == (at(1060), .master))
        #expect(segment["B"].lastReason == "master 10.0.0.1 resigned (priority 0)")
    }

    @Test("priority 0 in v2: Skew_Time is (256 − priority) / 256 s whatever advert_int is")
    func priorityZeroV2() throws {
        var backup = try instance(version: .v2, priority: 200, interval: .seconds(3), address: 2)
        _ = backup.start(now: at(0))
        let actions = backup.receiveAdvert(
            VRRPReceivedAdvert(priority: 0, advertInterval: .seconds(3), sender: address(1)), now: at(500))
        #expect(actions == [.armTimer(.masterDown, at: at(521))])
    }

    @Test("a higher priority router joining later preempts at its MDI")
    func preemption() throws {
        var segment = Segment([
            try instance("A", priority: 150, address: 1), try instance("B", priority: 100, address: 2),
        ])
        try segment.start("B")
        segment.run(until: at(1000))
        try segment.start("A")
        segment.run(until: at(3000))
        #expect(segment.transitions(of: "A").map(\.0) == [at(1000), at(1341)])
        #expect(segment.transitions(of: "B").last! == (at(1341), .backup))
        #expect(
            segment.logs(of: "A").contains(
                "VRRP_Instance(A) received lower priority (100) advert from 10.0.0.2 - discarding"))
        #expect(segment["A"].lastReason == "preempted lower priority master 10.0.0.2")
    }

    @Test("nopreempt: a higher priority BACKUP leaves the lower MASTER alone")
    func noPreempt() throws {
        var segment = Segment([
            try instance("A", priority: 150, preempt: false, address: 1),
            try instance("B", priority: 100, address: 2),
        ])
        try segment.start("B")
        segment.run(until: at(1000))
        try segment.start("A")
        segment.run(until: at(10000))
        #expect(segment["A"].state == .backup)
        #expect(segment["B"].state == .master)
        // ...but still takes over when the master goes away.
        try segment.perform(.shutdown, on: "B")
        segment.run(until: at(11000))
        #expect(segment.transitions(of: "A").last! == (at(10041), .master))
    }

    @Test("preempt_delay: lower priority adverts are accepted for the delay, then preemption")
    func preemptDelay() throws {
        var segment = Segment([
            try instance("A", priority: 150, preemptDelay: .seconds(5), address: 1),
            try instance("B", priority: 100, address: 2),
        ])
        try segment.start("B")
        segment.run(until: at(1000))
        try segment.start("A")
        segment.run(until: at(3000))
        // B advertises at 1060, 1160, ...: the first starts the delay (ends 1560); 1460 is the
        // last accepted (deadline 1460 + 341), 1560 onwards are discarded.
        #expect(segment.transitions(of: "A").map(\.0) == [at(1000), at(1801)])
        #expect(segment.transitions(of: "B").last! == (at(1801), .backup))
        #expect(segment.logs(of: "A").contains("VRRP_Instance(A) start preempt delay (5.00s)"))
    }

    @Test("v3 BACKUP learns Master_Adver_Interval and recomputes MDI; MASTER uses its own again")
    func learnsAdvertInterval() throws {
        var backup = try instance(version: .v3, priority: 100, interval: .centiseconds(100), address: 2)
        _ = backup.start(now: at(0))
        let actions = backup.receiveAdvert(
            VRRPReceivedAdvert(priority: 200, advertInterval: .centiseconds(200), sender: address(1)), now: at(50))
        #expect(backup.masterAdvertInterval == .centiseconds(200))
        #expect(backup.skewTime == .centiseconds(121))  // 156 × 200 / 256 = 121.9
        #expect(backup.masterDownInterval == .centiseconds(721))
        #expect(actions.armedTimers == [at(771)])
        #expect(
            actions.logLines == ["VRRP_Instance(VI_1) advertisement interval updated from 1.00s to 2.00s by master"])

        let takeover = backup.timerFired(now: at(771))
        #expect(backup.state == .master)
        #expect(backup.masterAdvertInterval == .centiseconds(100))
        #expect(takeover.armedTimers == [at(871)])
    }

    @Test("v2 drops an advert whose interval is not advert_int")
    func v2IntervalMismatch() throws {
        var backup = try instance(version: .v2, priority: 100, interval: .seconds(1), address: 2)
        _ = backup.start(now: at(0))
        let actions = backup.receiveAdvert(
            VRRPReceivedAdvert(priority: 200, advertInterval: .seconds(2), sender: address(1)), now: at(50))
        #expect(actions.logLines == ["VRRP_Instance(VI_1) advertisement interval mismatch mine=1 sec rcv'd=2 sec"])
        #expect(backup.timer?.deadline == at(360))
        #expect(backup.masterAddress == nil)
    }

    @Test("address owner (255) is MASTER at startup, without waiting")
    func addressOwner() throws {
        var owner = try instance(priority: 255)
        let actions = owner.start(now: at(0))
        #expect(owner.state == .master)
        #expect(owner.lastReason == "address owner (priority 255) at startup")
        #expect(actions.advertPriorities == [255])
        #expect(actions.contains(.addVirtualAddresses))
        #expect(!actions.contains(.removeVirtualAddresses))
        #expect(owner.skewTime == .zero)
    }

    @Test("owner with `state BACKUP` waits MDI like any backup")
    func ownerConfiguredBackup() throws {
        var owner = try instance(priority: 255, initialState: .backup)
        let actions = owner.start(now: at(0))
        #expect(owner.state == .backup)
        #expect(actions.armedTimers == [at(300)])
    }

    @Test("`state MASTER` below 255: BACKUP for one advert interval, then MASTER unless outranked")
    func initialStateMaster() throws {
        var alone = try instance(priority: 100, initialState: .master)
        #expect(alone.start(now: at(0)).armedTimers == [at(100)])  // 100 + skew(1) = 100 + 0
        _ = alone.timerFired(now: at(100))
        #expect(alone.state == .master)
        #expect(alone.lastReason == "initial state MASTER and no higher priority master seen")

        var segment = Segment([
            try instance("A", priority: 100, initialState: .master, address: 1),
            try instance("B", priority: 200, address: 2),
        ])
        try segment.start("B")
        segment.run(until: at(1000))
        try segment.start("A")
        segment.run(until: at(3000))
        #expect(segment["A"].state == .backup)
        #expect(segment["B"].state == .master)
    }
}
