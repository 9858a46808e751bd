import Testing
import VRRP

@Suite("Tracked objects: weights, clamping, FAULT")
struct StateMachineTrackingTests {
    @Test("weights: positive counts while OK, negative while FAILED, reverse flips")
    func weightArithmetic() throws {
        var machine = try instance(
            priority: 100,
            tracking: [
                VRRPTrackedObject(.script, "chk_up", weight: 20, status: .ok),
                VRRPTrackedObject(.interface, "eth1", weight: -30, status: .ok),
                VRRPTrackedObject(.file, "prio_file", weight: 10, reverse: true, status: .ok),
            ])
        #expect(machine.effectivePriority == 110)  // 100 + 20 + 0 − 10
        _ = machine.start(now: at(0))

        var actions = try machine.updateTrackedObject(.init(.script, "chk_up"), status: .failed, now: at(10))
        #expect(machine.effectivePriority == 90)
        #expect(actions.logLines == ["VRRP_Instance(VI_1) Changing effective priority from 110 to 90"])
        #expect(actions.contains(.effectivePriorityChanged(from: 110, to: 90)))

        actions = try machine.updateTrackedObject(.init(.interface, "eth1"), status: .failed, now: at(20))
        #expect(machine.effectivePriority == 60)
        actions = try machine.updateTrackedObject(.init(.file, "prio_file"), status: .failed, now: at(30))
        #expect(machine.effectivePriority == 70)
        // Same status again: nothing to do.
        #expect(try machine.updateTrackedObject(.init(.file, "prio_file"), status: .failed, now: at(40)).isEmpty)
        #expect(machine.state == .backup)
    }

    @Test("negative weight with reverse adds while FAILED")
    func negativeReverse() {
        let object = VRRPTrackedObject(.script, "chk", weight: -15, reverse: true, status: .failed)
        #expect(object.priorityAdjustment == 15)
        #expect(VRRPTrackedObject(.script, "chk", weight: -15, reverse: true, status: .ok).priorityAdjustment == 0)
        #expect(VRRPTrackedObject(.script, "chk", weight: 15, status: .unknown).priorityAdjustment == 0)
    }

    @Test("effective priority is clamped to 1...254; an address owner ignores tracking")
    func clamping() throws {
        let high = try instance(priority: 250, tracking: [VRRPTrackedObject(.script, "a", weight: 20)])
        #expect(high.effectivePriority == 254)
        let low = try instance(
            priority: 10, tracking: [VRRPTrackedObject(.script, "a", weight: -50, status: .failed)])
        #expect(low.effectivePriority == 1)
        var owner = try instance(priority: 255, tracking: [VRRPTrackedObject(.script, "a", weight: -50)])
        _ = owner.start(now: at(0))
        let actions = try owner.updateTrackedObject(.init(.script, "a"), status: .failed, now: at(10))
        #expect(owner.effectivePriority == 255)
        #expect(actions.isEmpty)
    }

    @Test("a priority change moves a BACKUP's master-down deadline by the change in Skew_Time")
    func deadlineFollowsSkew() throws {
        var machine = try instance(
            priority: 100, tracking: [VRRPTrackedObject(.script, "a", weight: 50, status: .failed)])
        _ = machine.start(now: at(0))
        #expect(machine.timer?.deadline == at(360))
        let actions = try machine.updateTrackedObject(.init(.script, "a"), status: .ok, now: at(100))
        #expect(machine.effectivePriority == 150)
        #expect(actions.armedTimers == [at(341)])  // 360 + (41 − 60)
    }

    @Test("a MASTER whose priority drops below a backup's loses the next election round")
    func masterLosesToTracking() throws {
        var segment = Segment([
            try instance("A", priority: 150, address: 1, tracking: [VRRPTrackedObject(.script, "chk", weight: -60)]),
            try instance("B", priority: 100, address: 2),
        ])
        try segment.start("A", "B")
        segment.run(until: at(1000))
        try segment.perform(.trackedObjectChanged(.init(.script, "chk"), .failed), on: "A")
        #expect(segment["A"].effectivePriority == 90)
        segment.run(until: at(3000))
        // A's advert at 1041 carries 90: B discards it; B's deadline from A's 941 advert is 1301.
        #expect(segment.transitions(of: "B").last! == (at(1301), .master))
        #expect(segment.transitions(of: "A").last! == (at(1301), .backup))
    }

    @Test("weight 0: a failure puts a MASTER in FAULT (priority 0 sent); recovery re-elects from BACKUP")
    func weightZeroFault() throws {
        var machine = try instance(priority: 100, tracking: [VRRPTrackedObject(.interface, "eth0")])
        _ = machine.start(now: at(0))
        _ = machine.timerFired(now: at(360))
        #expect(machine.state == .master)

        let down = try machine.updateTrackedObject(.init(.interface, "eth0"), status: .failed, now: at(400))
        #expect(
            down == [
                .log("VRRP_Instance(VI_1) Entering FAULT STATE"),
                .sendAdvert(priority: 0),
                .stateChanged(from: .master, to: .fault, reason: "interface eth0 is FAILED"),
                .removeVirtualAddresses,
                .cancelTimer,
                .notify(.fault),
            ])
        #expect(machine.state == .fault)
        #expect(machine.timer == nil)
        #expect(machine.hasFault)
        // Adverts and timers mean nothing in FAULT.
        #expect(machine.timerFired(now: at(1000)).isEmpty)
        #expect(
            machine.receiveAdvert(
                VRRPReceivedAdvert(priority: 50, advertInterval: .seconds(1), sender: address(2)), now: at(1000)
            ).isEmpty)

        let up = try machine.updateTrackedObject(.init(.interface, "eth0"), status: .ok, now: at(2000))
        #expect(machine.state == .backup)
        #expect(machine.lastReason == "interface eth0 is OK")
        #expect(up.armedTimers == [at(2360)])
        _ = machine.timerFired(now: at(2360))
        #expect(machine.state == .master)
    }

    @Test("weight 0 with reverse: FAULT while the object is OK")
    func weightZeroReverse() throws {
        var machine = try instance(tracking: [VRRPTrackedObject(.file, "maintenance", reverse: true, status: .failed)])
        _ = machine.start(now: at(0))
        #expect(machine.state == .backup)
        _ = try machine.updateTrackedObject(.init(.file, "maintenance"), status: .ok, now: at(50))
        #expect(machine.state == .fault)
        _ = try machine.updateTrackedObject(.init(.file, "maintenance"), status: .failed, now: at(80))
        #expect(machine.state == .backup)
    }

    @Test("FAULT at startup; an unknown weight-0 object holds the instance in INIT")
    func startupWithTracking() throws {
        var failing = try instance(tracking: [VRRPTrackedObject(.script, "chk", status: .failed)])
        let actions = failing.start(now: at(0))
        #expect(failing.state == .fault)
        #expect(actions.contains(.removeVirtualAddresses))
        #expect(actions.notifications == [.fault])

        var waiting = try instance(tracking: [VRRPTrackedObject(.script, "chk", status: .unknown)])
        _ = waiting.start(now: at(0))
        #expect(waiting.state == .initialize)
        #expect(waiting.timer == nil)
        let known = try waiting.updateTrackedObject(.init(.script, "chk"), status: .ok, now: at(250))
        #expect(waiting.state == .backup)
        #expect(known.armedTimers == [at(610)])
    }

    @Test("an unknown tracked object is refused")
    func unknownObject() throws {
        var machine = try instance()
        #expect(throws: VRRPStateMachineError.unknownTrackedObject(.init(.script, "nope"))) {
            try machine.updateTrackedObject(.init(.script, "nope"), status: .ok, now: at(0))
        }
    }
}
