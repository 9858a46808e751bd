import Synchronization

/// A probe that runs its own rounds on its poller's thread. After each attempt, `next` (called
/// on that thread) names the start of the next round, so a steady check wakes no task at all;
/// checkd's scheduler hands the actor only the rounds that change something.
public protocol RepeatingProbe: RealServerProbe {
    /// Starts rounds, the first at `first`. After each attempt `next(result)` runs, quickly, on
    /// the poller's thread and returns when the next round starts, or nil to end the rounds.
    func repeatAttempts(
        from first: ContinuousClock.Instant, next: @escaping @Sendable (ProbeResult) -> ContinuousClock.Instant?
    ) -> ProbeRounds
}

/// A probe's running rounds. `stop()` ends them: a round waiting for its start never starts, and
/// an attempt already under way ends without calling `next`.
public final class ProbeRounds: Sendable {
    private struct State {
        var stopped = false
        /// The poller timer of the round waiting for its start.
        var timer: UInt64?
    }

    private let poller: ConnectPoller
    private let state = Mutex(State())

    init(poller: ConnectPoller) { self.poller = poller }

    public var isStopped: Bool { state.withLock { $0.stopped } }

    public func stop() {
        let timer = state.withLock { state -> UInt64? in
            state.stopped = true
            defer { state.timer = nil }
            return state.timer
        }
        if let timer { _ = poller.cancel(timer) }
    }

    /// Runs `round` at `deadline` on the poller's thread, unless stopped first.
    func schedule(at deadline: ContinuousClock.Instant, _ round: @escaping @Sendable () -> Void) {
        // The timer is recorded under the lock so a concurrent stop() either sees it or comes
        // first and is seen here.
        state.withLock { state in
            guard !state.stopped else { return }
            state.timer = poller.schedule(at: deadline) { [self] in
                let live = self.state.withLock { state in
                    state.timer = nil
                    return !state.stopped
                }
                if live { round() }
            }
        }
    }

    /// After an attempt: asks `next` for the following round unless stopped meanwhile.
    func finished(_ result: ProbeResult, next: (ProbeResult) -> ContinuousClock.Instant?) -> ContinuousClock.Instant? {
        guard !isStopped else { return nil }
        return next(result)
    }
}
