/// A vrrp_script's verdict as vrrpd reads it from the `Status` property.
public enum ScriptStatus: String, Sendable, Hashable {
    /// No verdict yet: the script has not run (and `init_fail` is not set).
    case initial = "INIT"
    case ok = "OK"
    case failed = "FAILED"
}

/// keepalived's rise/fall arithmetic for one vrrp_script, without clocks or processes: feed it
/// each run's success and it says when the status flips. From INIT the first run decides; after
/// that `rise` successes in a row are needed to go OK and `fall` failures in a row to go FAILED.
public struct ScriptHealth: Sendable, Hashable {
    public let rise: Int
    public let fall: Int
    public private(set) var status: ScriptStatus
    /// Successes (while FAILED) or failures (while OK) in a row so far.
    public private(set) var streak = 0

    public init(rise: Int, fall: Int, initFail: Bool) {
        self.rise = max(rise, 1)
        self.fall = max(fall, 1)
        status = initFail ? .failed : .initial
    }

    /// Records one run; returns the new status when it changed.
    public mutating func record(success: Bool) -> ScriptStatus? {
        let previous = status
        switch (status, success) {
        case (.initial, true):
            status = .ok
            streak = 0
        case (.initial, false):
            status = .failed
            streak = 0
        case (.ok, true), (.failed, false):
            streak = 0
        case (.ok, false):
            streak += 1
            if streak >= fall {
                status = .failed
                streak = 0
            }
        case (.failed, true):
            streak += 1
            if streak >= rise {
                status = .ok
                streak = 0
            }
        }
        return status == previous ? nil : status
    }
}

/// When a periodic job runs next: on the grid `start + k × interval`, at the first point after
/// `now`, so a run that overran its slot skips the slots it missed instead of running twice.
public enum PeriodicSchedule {
    public static func nextTick(after now: Duration, start: Duration, interval: Duration) -> Duration {
        guard interval > .zero, now >= start else { return start }
        let elapsed = now - start
        let slots = Int(elapsed / interval) + 1
        return start + interval * slots
    }
}
