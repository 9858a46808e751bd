import CheckDaemon
import Testing

@Suite struct ScriptHealthTests {
    /// Feeds runs and returns the status after each.
    func statuses(_ health: inout ScriptHealth, _ runs: [Bool]) -> [ScriptStatus] {
        runs.map { success in
            _ = health.record(success: success)
            return health.status
        }
    }

    @Test func fromINITTheFirstRunDecides() {
        var passing = ScriptHealth(rise: 3, fall: 3, initFail: false)
        #expect(passing.status == .initial)
        #expect(passing.record(success: true) == .ok)

        var failing = ScriptHealth(rise: 3, fall: 3, initFail: false)
        #expect(failing.record(success: false) == .failed)
    }

    @Test func fallFailuresInARowAreNeededToFail() {
        var health = ScriptHealth(rise: 2, fall: 3, initFail: false)
        _ = health.record(success: true)
        #expect(statuses(&health, [false, false, true, false, false, false]) == [.ok, .ok, .ok, .ok, .ok, .failed])
    }

    @Test func riseSuccessesInARowAreNeededToRecover() {
        var health = ScriptHealth(rise: 2, fall: 1, initFail: false)
        _ = health.record(success: false)
        #expect(statuses(&health, [true, false, true, true]) == [.failed, .failed, .failed, .ok])
    }

    @Test func initFailStartsFailedAndNeedsRise() {
        var health = ScriptHealth(rise: 2, fall: 1, initFail: true)
        #expect(health.status == .failed)
        #expect(health.record(success: true) == nil)
        #expect(health.record(success: true) == .ok)
    }

    @Test func onlyFlipsAreReported() {
        var health = ScriptHealth(rise: 1, fall: 1, initFail: false)
        let reported = [true, true, false, false, true].map { health.record(success: $0) }
        #expect(reported == [.ok, nil, .failed, nil, .ok])
    }

    @Test func periodicRunsStayOnTheirGridAndSkipMissedSlots() {
        let second = Duration.seconds(1)
        #expect(PeriodicSchedule.nextTick(after: .zero, start: .zero, interval: second * 2) == second * 2)
        #expect(PeriodicSchedule.nextTick(after: .milliseconds(300), start: .zero, interval: second * 2) == second * 2)
        // A run that took 5 s of a 2 s interval: the next run is at 6 s, not 2 s and 4 s.
        #expect(PeriodicSchedule.nextTick(after: second * 5, start: .zero, interval: second * 2) == second * 6)
        #expect(PeriodicSchedule.nextTick(after: second * 4, start: .zero, interval: second * 2) == second * 6)
    }
}
