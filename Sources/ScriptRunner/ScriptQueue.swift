import Synchronization

/// Serialises script runs per owner key, for the two rules keepalived users rely on:
/// - notify scripts of one instance (or sync group, or real server) run in the order their
///   events happened, never two at once: ``enqueue(key:_:)``, a FIFO per key;
/// - a `vrrp_script` (or MISC_CHECK) never overlaps itself: ``runIfIdle(key:_:)`` skips a run
///   while the previous one for that key is still going.
///
/// Both calls are synchronous, so the order of calls is the order of runs even when the caller
/// does not await the returned task (vrrpd must not wait for a notify script to change state).
public final class ScriptQueue: Sendable {
    private struct Lane {
        var tail: Task<ScriptResult, Never>
        var ticket: UInt64
    }

    private struct State {
        var lanes: [String: Lane] = [:]
        var nextTicket: UInt64 = 0

        mutating func takeTicket() -> UInt64 {
            defer { nextTicket += 1 }
            return nextTicket
        }
    }

    private let state = Mutex(State())

    public init() {}

    /// Runs `invocation` after every run enqueued earlier on `key` has finished.
    @discardableResult
    public func enqueue(key: String, _ invocation: ScriptInvocation) -> Task<ScriptResult, Never> {
        enqueue(key: key) { await ScriptProcess.run(invocation) }
    }

    /// Runs `invocation` now unless a run on `key` is still going; nil means skipped.
    public func runIfIdle(key: String, _ invocation: ScriptInvocation) -> Task<ScriptResult, Never>? {
        runIfIdle(key: key) { await ScriptProcess.run(invocation) }
    }

    /// ``enqueue(key:_:)`` for any work that produces a ``ScriptResult`` (e.g. several scripts
    /// for one event: `notify_master` then `notify`).
    @discardableResult
    public func enqueue(
        key: String, _ work: @escaping @Sendable () async -> ScriptResult
    ) -> Task<ScriptResult, Never> {
        state.withLock { state in
            let previous = state.lanes[key]?.tail
            let ticket = state.takeTicket()
            let task = Task {
                _ = await previous?.value
                let result = await work()
                self.finish(key: key, ticket: ticket)
                return result
            }
            state.lanes[key] = Lane(tail: task, ticket: ticket)
            return task
        }
    }

    /// ``runIfIdle(key:_:)`` for any work that produces a ``ScriptResult``.
    public func runIfIdle(
        key: String, _ work: @escaping @Sendable () async -> ScriptResult
    ) -> Task<ScriptResult, Never>? {
        state.withLock { state in
            guard state.lanes[key] == nil else { return nil }
            let ticket = state.takeTicket()
            let task = Task {
                let result = await work()
                self.finish(key: key, ticket: ticket)
                return result
            }
            state.lanes[key] = Lane(tail: task, ticket: ticket)
            return task
        }
    }

    /// True while a run on `key` is going or waiting.
    public func isBusy(key: String) -> Bool {
        state.withLock { $0.lanes[key] != nil }
    }

    /// Clears the lane when the run that just ended is still its tail (nothing queued behind it).
    /// Called inside the run's task, so the key is idle again before anyone sees its result.
    private func finish(key: String, ticket: UInt64) {
        state.withLock { state in
            if state.lanes[key]?.ticket == ticket { state.lanes[key] = nil }
        }
    }
}
