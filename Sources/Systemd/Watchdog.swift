internal import CSystemd
import Logging
internal import Synchronization

/// The event loop's proof of life: the loop calls ``beat()`` on every turn, the
/// ``WatchdogPinger`` pings systemd only if a beat came since its last ping. A stuck loop
/// therefore stops the pings and systemd restarts the daemon (`WatchdogSec=`).
public final class Heartbeat: Sendable {
    // An atomic counter is all the state; `Atomic` keeps the class Sendable without a lock.
    private let count = Atomic<UInt64>(0)

    public init() {}

    /// Records that the event loop is alive. Cheap; call it from the loop, not from a timer
    /// task of its own (that would prove nothing).
    public func beat() {
        count.wrappingAdd(1, ordering: .relaxed)
    }

    /// How many beats so far.
    public var beats: UInt64 { count.load(ordering: .relaxed) }
}

/// The watchdog settings systemd hands a service.
public enum Watchdog {
    /// The `WatchdogSec=` interval from `WATCHDOG_USEC`, or `nil` when the watchdog is off or
    /// meant for another process (`WATCHDOG_PID`). Reads the environment via `sd_watchdog_enabled`.
    public static func interval() throws(SystemdError) -> Duration? {
        var usec: UInt64 = 0
        let result = sd_watchdog_enabled(0, &usec)
        if result < 0 {
            throw .invalidWatchdogEnvironment(errno: -result)
        }
        guard result > 0, usec > 0 else { return nil }
        return .microseconds(Int64(clamping: usec))
    }
}

/// Sends `WATCHDOG=1` every half watchdog interval, but only when the daemon's event loop beat
/// its ``Heartbeat`` since the previous ping.
///
/// Run ``run()`` as a child task of the daemon (e.g. in its task group); it returns when the
/// task is cancelled. The loop should beat at least every ``heartbeatPeriod`` so that a beat
/// falls into every ping period even when the two drift.
public struct WatchdogPinger<C: Clock>: Sendable where C.Duration == Duration {
    /// systemd's `WatchdogSec=`: the daemon is killed when no ping arrives for this long.
    public let interval: Duration
    public let heartbeat: Heartbeat
    private let notifier: ServiceNotifier
    private let clock: C
    private let logger: Logger

    /// How often the pinger checks the heartbeat and pings: half the interval.
    public var pingPeriod: Duration { interval / 2 }
    /// How often the event loop should beat at least: a quarter of the interval.
    public var heartbeatPeriod: Duration { interval / 4 }

    public init(
        interval: Duration,
        heartbeat: Heartbeat,
        clock: C,
        notifier: ServiceNotifier = ServiceNotifier(),
        logger: Logger = Logger(label: "keepalive.watchdog")
    ) {
        self.interval = interval
        self.heartbeat = heartbeat
        self.clock = clock
        self.notifier = notifier
        self.logger = logger
    }

    /// Pings until the task is cancelled. Never throws: a failed ping is logged and retried at
    /// the next period, since systemd, not this loop, decides what a missed ping means.
    public func run() async {
        var lastSeen = heartbeat.beats
        var stalled = false
        while !Task.isCancelled {
            do {
                try await clock.sleep(for: pingPeriod)
            } catch {
                return
            }
            let now = heartbeat.beats
            guard now != lastSeen else {
                if !stalled {
                    stalled = true
                    logger.warning(
                        "Event loop missed its heartbeat: withholding the watchdog ping",
                        metadata: ["keepalive.watchdog_interval": "\(interval)"])
                }
                continue
            }
            lastSeen = now
            if stalled {
                stalled = false
                logger.notice("Event loop is beating again: watchdog pings resume")
            }
            do {
                try notifier.watchdog()
            } catch {
                logger.warning("Watchdog ping failed", metadata: ["error": "\(error)"])
            }
        }
    }
}

extension WatchdogPinger where C == ContinuousClock {
    /// A pinger on the real monotonic clock.
    public init(
        interval: Duration,
        heartbeat: Heartbeat,
        notifier: ServiceNotifier = ServiceNotifier(),
        logger: Logger = Logger(label: "keepalive.watchdog")
    ) {
        self.init(
            interval: interval, heartbeat: heartbeat, clock: ContinuousClock(), notifier: notifier, logger: logger)
    }

    /// A pinger for the watchdog systemd configured (`WATCHDOG_USEC`), or `nil` when there is none.
    public static func fromEnvironment(
        heartbeat: Heartbeat,
        logger: Logger = Logger(label: "keepalive.watchdog")
    ) throws(SystemdError) -> WatchdogPinger? {
        guard let interval = try Watchdog.interval() else { return nil }
        return WatchdogPinger(interval: interval, heartbeat: heartbeat, logger: logger)
    }
}
