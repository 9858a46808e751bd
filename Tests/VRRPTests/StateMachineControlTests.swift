import Testing
import VRRP

@Suite("SetPriority, ResetPriority, Switchover, shutdown")
struct StateMachineControlTests {
    @Test("SetPriority takes 1...254 and overrides the configured priority under tracking")
    func setPriorityBounds() throws {
        var machine = try instance(priority: 100, tracking: [VRRPTrackedObject(.script, "a", weight: 10)])
        #expect(throws: VRRPStateMachineError.priorityOutOfRange(0)) { try machine.setPriority(0, now: at(0)) }
        #expect(throws: VRRPStateMachineError.priorityOutOfRange(255)) { try machine.setPriority(255, now: at(0)) }
        let actions = try machine.setPriority(200, now: at(0))
        #expect(machine.priorityOverride == 200)
        #expect(machine.basePriority == 200)
        #expect(machine.effectivePriority == 210)
        #expect(actions.contains(.effectivePriorityChanged(from: 110, to: 210)))
        _ = machine.resetPriority(now: at(0))
        #expect(machine.priorityOverride == nil)
        #expect(machine.effectivePriority == 110)
    }

    @Test("SetPriority on a BACKUP above the master: it preempts; ResetPriority hands back")
    func setAndResetPriority() throws {
        var segment = Segment([
            try instance("A", priority: 150, address: 1), try instance("B", priority: 100, address: 2),
        ])
        try segment.start("A", "B")
        segment.run(until: at(1000))
        try segment.perform(.setPriority(200), on: "B")
        // B's deadline 1301 (from A's 941 advert) moves by skew 21 − 60 to 1262; A's adverts
        // at 1041, 1141, 1241 (150 < 200) are discarded.
        #expect(segment["B"].timer?.deadline == at(1262))
        segment.run(until: at(2000))
        #expect(segment.transitions(of: "B").last! == (at(1262), .master))
        #expect(segment.transitions(of: "A").last! == (at(1262), .backup))

        try segment.perform(.resetPriority, on: "B")
        segment.run(until: at(3000))
        // A accepted B's 1962 advert (200) → deadline 2303; B's 2062... adverts carry 100.
        #expect(segment.transitions(of: "A").last! == (at(2303), .master))
        #expect(segment.transitions(of: "B").last! == (at(2303), .backup))
    }

    @Test("Switchover: the best backup takes over after its Skew_Time; the old master holds off")
    func switchover() throws {
        var segment = Segment([
            try instance("A", priority: 150, address: 1),
            try instance("B", priority: 100, address: 2),
            try instance("C", priority: 120, address: 3),
        ])
        try segment.start("A", "B", "C")
        segment.run(until: at(1000))
        #expect(segment["A"].state == .master)

        try segment.perform(.switchover, on: "A")
        #expect(segment.adverts(from: "A", priority: 0) == [at(1000)])
        // Make before break: A keeps MASTER and its addresses until the new master advertises.
        #expect(segment["A"].state == .master)
        #expect(segment["A"].isHandingOver)
        #expect(segment["A"].holdsBackupAfterSwitchover)
        segment.run(until: at(5000))
        // C: skew (256 − 120) × 100 / 256 = 53; B would have waited 60.
        #expect(segment.transitions(of: "C").last! == (at(1053), .master))
        // A lets go at C's first advert, the same instant: no moment without a master.
        #expect(segment.transitions(of: "A").last! == (at(1053), .backup))
        #expect(segment["A"].lastReason == "switchover requested")
        #expect(!segment["A"].isHandingOver)
        #expect(segment.adverts(from: "A", priority: 150).filter { $0 > at(1000) }.isEmpty)
        #expect(segment.transitions(of: "B").count == 1)
        #expect(segment["A"].state == .backup)

        try segment.perform(.resetPriority, on: "A")
        #expect(!segment["A"].holdsBackupAfterSwitchover)
        segment.run(until: at(6000))
        // A accepted C's 4953 advert → deadline 5294; 5053 onwards are discarded.
        #expect(segment.transitions(of: "A").last! == (at(5294), .master))
        #expect(segment.transitions(of: "C").last! == (at(5294), .backup))
    }

    @Test("Switchover with no backup: the instance comes back after its own MDI")
    func switchoverAlone() throws {
        var machine = try instance(priority: 100)
        _ = machine.start(now: at(0))
        _ = machine.timerFired(now: at(360))
        let actions = try machine.switchover(now: at(400))
        #expect(actions.advertPriorities == [0])
        // The addresses stay: nobody else holds them yet.
        #expect(!actions.contains(.removeVirtualAddresses))
        #expect(actions.armedTimers == [at(760)])
        #expect(machine.state == .master)
        let fallback = machine.timerFired(now: at(760))
        #expect(machine.state == .master)
        #expect(!machine.isHandingOver)
        #expect(fallback.advertPriorities == [100])
    }

    @Test("Switchover is refused unless MASTER")
    func switchoverRefused() throws {
        var machine = try instance()
        #expect(throws: VRRPStateMachineError.switchoverRequiresMaster(current: .initialize)) {
            try machine.switchover(now: at(0))
        }
        _ = machine.start(now: at(0))
        #expect(throws: VRRPStateMachineError.switchoverRequiresMaster(current: .backup)) {
            try machine.switchover(now: at(10))
        }
    }

    @Test("shutdown as MASTER: priority 0, addresses removed, STOP; later events are ignored")
    func shutdownMaster() throws {
        var machine = try instance()
        _ = machine.start(now: at(0))
        _ = machine.timerFired(now: at(360))
        let actions = machine.shutdown(now: at(400))
        #expect(
            actions == [
                .sendAdvert(priority: 0),
                .log("VRRP_Instance(VI_1) sent 0 priority"),
                .removeVirtualAddresses,
                .cancelTimer,
                .stateChanged(from: .master, to: .stop, reason: "shutdown"),
                .notify(.stop),
            ])
        #expect(machine.state == .stop)
        #expect(machine.timerFired(now: at(460)).isEmpty)
        #expect(machine.start(now: at(500)).isEmpty)
        #expect(machine.shutdown(now: at(500)).isEmpty)
        #expect(try machine.setPriority(50, now: at(500)).isEmpty)
    }

    @Test("shutdown as BACKUP sends nothing")
    func shutdownBackup() throws {
        var machine = try instance()
        _ = machine.start(now: at(0))
        let actions = machine.shutdown(now: at(100))
        #expect(actions.advertPriorities.isEmpty)
        #expect(!actions.contains(.removeVirtualAddresses))
        #expect(actions.notifications == [.stop])
    }
}

@Suite("Reload")
struct StateMachineReloadTests {
    @Test("reload keeps the state and tracked statuses, applies the new priority, ends overrides")
    func reloadKeepsState() throws {
        var machine = try instance(
            priority: 100, tracking: [VRRPTrackedObject(.script, "chk", weight: 10, status: .ok)])
        _ = machine.start(now: at(0))
        _ = machine.timerFired(now: at(360))
        _ = try machine.setPriority(50, now: at(400))
        #expect(machine.effectivePriority == 60)

        var changed = machine.configuration
        changed.priority = 200
        changed.trackedObjects = [
            VRRPTrackedObject(.script, "chk", weight: 20, status: .failed),  // still tracked: keeps OK
            VRRPTrackedObject(.script, "new", weight: -5, status: .failed),
        ]
        let actions = machine.reload(changed, now: at(500))
        #expect(machine.state == .master)
        #expect(machine.priorityOverride == nil)
        #expect(machine.trackedObjects.map(\.status) == [.ok, .failed])
        #expect(machine.effectivePriority == 215)
        #expect(actions.contains(.effectivePriorityChanged(from: 60, to: 215)))
        #expect(machine.timer?.deadline == at(460))  // the advert cadence is untouched
    }

    @Test("reload ends a Switchover hold and a new advert_int re-arms a MASTER's advert timer")
    func reloadEndsHold() throws {
        var machine = try instance(priority: 100)
        _ = machine.start(now: at(0))
        _ = machine.timerFired(now: at(360))
        _ = try machine.switchover(now: at(400))
        #expect(machine.holdsBackupAfterSwitchover)
        _ = machine.reload(machine.configuration, now: at(450))
        #expect(!machine.holdsBackupAfterSwitchover)

        _ = machine.timerFired(now: at(760))
        var slower = machine.configuration
        slower.advertInterval = .centiseconds(300)
        let actions = machine.reload(slower, now: at(800))
        #expect(actions.armedTimers == [at(1100)])
        #expect(machine.masterDownInterval == .centiseconds(1082))  // 900 + 156 × 300 / 256
    }
}
