import HealthCheckers
import KeepalivedConfig

/// One checker's timing and verdict on a real server, keepalived's way, with no clock of its own:
/// times are `Duration`s since an origin the caller chooses (the daemon: when the checker was
/// created; tests: zero).
///
/// - The first attempt comes after a random part of `warmup` (the caller picks the fraction).
/// - A checker starts up, or down with `alpha`.
/// - A pass schedules the next attempt `delay_loop` later and brings a down checker up.
/// - A failure of an up checker is tried again up to `retry` times, each `delay_before_retry`
///   later; when those fail too the checker goes down and waits `delay_loop`. A down checker is
///   not retried: it fails quietly until a pass brings it up.
public struct CheckerSchedule: Sendable, Hashable {
    /// The timing options after keepalived's inheritance, as durations.
    public struct Timing: Sendable, Hashable {
        public var delayLoop: Duration
        public var retry: Int
        public var delayBeforeRetry: Duration
        public var warmup: Duration
        public var alpha: Bool

        public init(delayLoop: Duration, retry: Int, delayBeforeRetry: Duration, warmup: Duration, alpha: Bool) {
            self.delayLoop = delayLoop
            self.retry = max(retry, 0)
            self.delayBeforeRetry = delayBeforeRetry
            self.warmup = warmup
            self.alpha = alpha
        }

        public init(_ settings: CheckerSettings) {
            self.init(
                delayLoop: .seconds(settings.delayLoop), retry: settings.retry,
                delayBeforeRetry: .seconds(settings.delayBeforeRetry), warmup: .seconds(settings.warmup),
                alpha: settings.alpha)
        }
    }

    /// What one attempt changed.
    public enum Transition: Sendable, Hashable {
        /// A down checker passed.
        case up
        /// An up checker failed and used all its retries.
        case down(ProbeFailure)
        /// A failure with retries left: attempt `attempt` of `of` comes after delay_before_retry.
        case retrying(ProbeFailure, attempt: Int, of: Int)
        /// A down checker failed again: nothing changes.
        case stillDown(ProbeFailure)
    }

    public let timing: Timing
    public private(set) var isUp: Bool
    public private(set) var nextAttempt: Duration
    /// Retries used since the last pass or the last down verdict.
    public private(set) var retriesUsed = 0
    /// The weight the last passing attempt reported (misc_dynamic, dynamic FILE_CHECK).
    public private(set) var reportedWeight: Int?
    /// Why the last attempt failed; nil after a pass.
    public private(set) var lastFailure: ProbeFailure?

    /// - Parameter warmupFraction: in 0...1; the first attempt comes `warmup × fraction` after `now`.
    public init(timing: Timing, now: Duration, warmupFraction: Double) {
        self.timing = timing
        isUp = !timing.alpha
        nextAttempt = now + timing.warmup * min(max(warmupFraction, 0), 1)
    }

    /// Records the attempt that finished at `now`.
    public mutating func record(_ result: ProbeResult, at now: Duration) -> Transition? {
        switch result {
        case .success(let weight):
            retriesUsed = 0
            lastFailure = nil
            if let weight { reportedWeight = weight }
            nextAttempt = now + timing.delayLoop
            if isUp { return nil }
            isUp = true
            return .up
        case .failure(let failure):
            lastFailure = failure
            // Like keepalived, only an up checker is retried: a down one just waits delay_loop.
            if isUp, retriesUsed < timing.retry {
                retriesUsed += 1
                nextAttempt = now + timing.delayBeforeRetry
                return .retrying(failure, attempt: retriesUsed, of: timing.retry)
            }
            retriesUsed = 0
            nextAttempt = now + timing.delayLoop
            if !isUp { return .stillDown(failure) }
            isUp = false
            return .down(failure)
        }
    }

    /// Checking starts again after a pause (ha_suspend): the next attempt is at `now`, and
    /// retries start afresh. The verdict is kept.
    public mutating func resume(at now: Duration) {
        retriesUsed = 0
        nextAttempt = now
    }
}
