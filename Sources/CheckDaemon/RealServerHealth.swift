import HealthCheckers

/// What an administrator set on a real server with `Drain()`, `Enable()` or `Disable()`.
public enum AdminState: String, Sendable, Hashable {
    case enabled = "ENABLED"
    case drained = "DRAINED"
    case disabled = "DISABLED"
}

/// A real server's checkers together: healthy only while every checker is up (always, with no
/// checker), with the weight the configuration or a dynamic checker gives. Pure: the monitor
/// feeds it attempts and acts on the changes it reports.
public struct RealServerHealth: Sendable, Hashable {
    /// What an attempt changed for the whole server.
    public struct Change: Sendable, Hashable {
        /// The checker's own transition.
        public var checker: CheckerSchedule.Transition?
        /// The server's new health, when it flipped.
        public var healthy: Bool?
        /// The server's new weight, when it moved.
        public var weight: Int?
    }

    public private(set) var checkers: [CheckerSchedule]
    public let configuredWeight: Int

    public init(checkers: [CheckerSchedule], configuredWeight: Int) {
        self.checkers = checkers
        self.configuredWeight = configuredWeight
    }

    public var healthy: Bool { checkers.allSatisfy(\.isUp) }

    /// The configured weight unless a checker reported one (the last checker in config order
    /// that did wins, as each such checker sets the weight itself in keepalived).
    public var weight: Int {
        // Read on every attempt: a search from the end allocates nothing.
        checkers.last(where: { $0.reportedWeight != nil })?.reportedWeight ?? configuredWeight
    }

    /// Why the first failing checker failed, in keepalived's words (the probe module's line for
    /// `keywords[i]` against `target`); empty when healthy.
    public func lastError(keywords: [String], target: String) -> String {
        guard let index = checkers.firstIndex(where: { !$0.isUp }) else { return "" }
        let keyword = keywords.indices.contains(index) ? keywords[index] : "CHECK"
        guard let failure = checkers[index].lastFailure else {
            return "\(keyword) on \(target): not passed yet (alpha)"
        }
        return failure.logLine(keyword: keyword, target: target)
    }

    /// Records the attempt of checker `index` that finished at `now`.
    public mutating func record(checker index: Int, _ result: ProbeResult, at now: Duration) -> Change {
        let (wasHealthy, oldWeight) = (healthy, weight)
        let transition = checkers[index].record(result, at: now)
        return Change(
            checker: transition, healthy: healthy == wasHealthy ? nil : healthy,
            weight: weight == oldWeight ? nil : weight)
    }

    /// Checker `index` starts again at `now` with its verdict kept (its probe was rebuilt).
    public mutating func restart(checker index: Int, at now: Duration) {
        checkers[index].resume(at: now)
    }

    /// Every checker starts again at `now` (after ha_suspend let go).
    public mutating func resume(at now: Duration) {
        for index in checkers.indices { checkers[index].resume(at: now) }
    }
}
