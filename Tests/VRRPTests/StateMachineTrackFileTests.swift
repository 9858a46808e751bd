import Testing
import VRRP

@Suite("track_file: value × weight, weight 0 and below -253 mean FAULT")
struct StateMachineTrackFileTests {
    @Test(
        "fileStatus follows keepalived.conf(5)",
        arguments: [
            // (weight, reverse, value, status)
            (10, false, 3, 30), (10, true, 3, -30), (10, false, -25, -250), (10, false, -26, -254),
            (10, false, 30, 253), (-5, false, 4, -20), (0, false, 0, 0), (0, false, 2, -254), (0, false, -1, -254),
            (0, true, 0, -254), (0, true, 7, 0), (254, false, Int(Int32.max) + 5, 253),
        ])
    func fileStatus(weight: Int, reverse: Bool, value: Int, status: Int) {
        let object = VRRPTrackedObject(.file, "f", weight: weight, reverse: reverse, value: value)
        #expect(object.fileStatus == status)
        #expect(object.forcesFault == (status == -254))
        #expect(object.priorityAdjustment == (status == -254 ? 0 : status))
    }

    @Test("a new value moves the priority; a FAULT value holds FAULT until the file recovers")
    func valuesDriveTheMachine() throws {
        var machine = try instance(
            priority: 100, tracking: [VRRPTrackedObject(.file, "prio", weight: 10, value: 2)])
        #expect(machine.effectivePriority == 120)
        _ = machine.start(now: at(0))
        let id = VRRPTrackedObject.ID(.file, "prio")
        var actions = try machine.updateTrackedFile(id, value: 5, now: at(10))
        #expect(machine.effectivePriority == 150)
        #expect(actions.contains(.effectivePriorityChanged(from: 120, to: 150)))
        #expect(try machine.updateTrackedFile(id, value: 5, now: at(20)).isEmpty, "same value: nothing")

        actions = try machine.handle(.trackedFileChanged(id, value: -30), now: at(30))
        #expect(machine.state == .fault)
        _ = try machine.updateTrackedFile(id, value: 0, now: at(40))
        #expect(machine.state == .backup)
        #expect(machine.effectivePriority == 100)
        #expect(throws: VRRPStateMachineError.unknownTrackedObject(.init(.file, "other"))) {
            try machine.updateTrackedFile(.init(.file, "other"), value: 1, now: at(50))
        }
    }

    @Test("a reload keeps the value last read")
    func reloadKeepsTheValue() throws {
        var machine = try instance(
            priority: 100, tracking: [VRRPTrackedObject(.file, "prio", weight: 10, value: 0)])
        _ = machine.start(now: at(0))
        _ = try machine.updateTrackedFile(.init(.file, "prio"), value: 4, now: at(10))
        let reloaded = try VRRPInstanceConfiguration(
            name: "VI_1", priority: 90, primaryAddress: address(1),
            trackedObjects: [VRRPTrackedObject(.file, "prio", weight: 10, value: 0)])
        _ = machine.reload(reloaded, now: at(20))
        #expect(machine.effectivePriority == 130)
    }
}
