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

/// A probe's running rounds: wait for the start on the poller's timer, attempt, ask `next`, and
/// again. `stop()` ends them: a round waiting for its start never starts, and an attempt already
/// under way ends without calling `next`. The closures it hands the poller capture only `self`,
/// so a round allocates no closure context.
public final class ProbeRounds: Sendable {
    /// One attempt; calls its argument once with the result, on any thread.
    typealias Attempt = @Sendable (_ done: @escaping @Sendable (ProbeResult) -> Void) -> Void

    private struct State {
        var stopped = false
        /// The poller timer of the round waiting for its start.
        var timer: UInt64?
    }

    private let poller: ConnectPoller
    private let attempt: Attempt
    private let next: @Sendable (ProbeResult) -> ContinuousClock.Instant?
    private let state = Mutex(State())

    init(
        poller: ConnectPoller, attempt: @escaping Attempt,
        next: @escaping @Sendable (ProbeResult) -> ContinuousClock.Instant?
    ) {
        self.poller = poller
        self.attempt = attempt
        self.next = next
    }

    public var isStopped: Bool { state.withLock { $0.stopped } }

    public func stop() {
        let timer = state.withLock { state -> UInt64? in
            state.stopped = true
            defer { state.timer = nil }
            return state.timer
        }
        if let timer { _ = poller.cancel(timer) }
    }

    /// Waits for `deadline` on the poller's timer, then runs a round, unless stopped first.
    func schedule(at deadline: ContinuousClock.Instant) {
        // The timer is recorded under the lock, so a concurrent stop() either sees it or comes
        // first and is seen here.
        state.withLock { state in
            guard !state.stopped else { return }
            state.timer = poller.schedule(at: deadline) { [self] in startRound() }
        }
    }

    private func startRound() {
        let live = state.withLock { state in
            state.timer = nil
            return !state.stopped
        }
        if live { attempt { [self] result in finished(result) } }
    }

    private func finished(_ result: ProbeResult) {
        guard !isStopped, let following = next(result) else { return }
        schedule(at: following)
    }
}
