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
    public var weight: Int { checkers.compactMap(\.reportedWeight).last ?? configuredWeight }

    /// Why the first failing checker failed, in keepalived's words; empty when healthy.
    public var lastError: String {
        guard let checker = checkers.first(where: { !$0.isUp }) else { return "" }
        return checker.lastFailure.map(FailureText.describe) ?? "not checked yet (alpha)"
    }

    /// Records the attempt of checker `index` that finished at `now`.
    public mutating func record(checker index: Int, _ result: ProbeResult, at now: Duration) -> Change {
        let (wasHealthy, oldWeight) = (healthy, weight)
        let transition = checkers[index].record(result, at: now)
        return Change(
            checker: transition, healthy: healthy == wasHealthy ? nil : healthy,
            weight: weight == oldWeight ? nil : weight)
    }

    /// Every checker starts again at `now` (after ha_suspend let go).
    public mutating func resume(at now: Duration) {
        for index in checkers.indices { checkers[index].resume(at: now) }
    }
}

/// keepalived's words for a failed attempt, for `LastError` and the log.
public enum FailureText {
    public static func describe(_ failure: ProbeFailure) -> String {
        switch failure {
        case .connectionRefused: "connection refused"
        case .timeout: "timeout"
        case .connectionFailed(let reason): "connection failed: \(reason)"
        case .httpStatus(let status): "HTTP status code error: \(status)"
        case .digestMismatch(let expected, let received): "MD5 digest error: expected \(expected), got \(received)"
        case .tlsHandshake(let reason): "SSL handshake failed: \(reason)"
        case .smtpBanner(let reason): "SMTP error: \(reason)"
        case .dnsNoAnswer: "DNS query got no answer"
        case .icmpUnreachable: "ICMP unreachable"
        case .udpNoReply: "UDP got no reply"
        case .replyLength(let length): "reply length \(length) out of range"
        case .scriptExit(let status): "exited with status \(status)"
        case .scriptTimeout: "timed out"
        case .fileValue(let reason): "file check: \(reason)"
        case .other(let reason): reason
        }
    }
}
