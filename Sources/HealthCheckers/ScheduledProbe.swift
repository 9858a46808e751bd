/// A probe that waits for its own start time: the wait and the attempt cost the caller one
/// wake-up instead of a sleep and an attempt. checkd's scheduler uses it when a probe offers it.
public protocol ScheduledProbe: RealServerProbe {
    /// Runs one attempt once `deadline` has come.
    /// - Throws: `CancellationError` when the task is cancelled before the attempt started;
    ///   an attempt already started runs to its end.
    func attempt(at deadline: ContinuousClock.Instant) async throws(CancellationError) -> ProbeResult
}
