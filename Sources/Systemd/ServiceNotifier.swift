internal import CSystemd
import Glibc

/// One assignment of the sd_notify protocol (`KEY=VALUE`), in the words of systemd.service(5).
public enum NotifyField: Hashable, Sendable {
    /// `READY=1`: start-up is finished (for `Type=notify`, the unit becomes active).
    case ready
    /// `RELOADING=1` plus `MONOTONIC_USEC=` (systemd ≥ 253 needs both for `Type=notify-reload`).
    case reloading(monotonicMicroseconds: UInt64)
    /// `STOPPING=1`: shutdown has begun.
    case stopping
    /// `WATCHDOG=1`: keep-alive ping for `WatchdogSec=`.
    case watchdog
    /// `STATUS=…`: free text shown by `systemctl status`. Newlines and NULs become spaces.
    case status(String)
    /// `MAINPID=…`: the main process, when it is not the one that sends.
    case mainPID(Int32)

    /// The protocol line, e.g. `STATUS=Loaded 3 instances`.
    public var assignment: String {
        switch self {
        case .ready: "READY=1"
        case .reloading(let usec): "RELOADING=1\nMONOTONIC_USEC=\(usec)"
        case .stopping: "STOPPING=1"
        case .watchdog: "WATCHDOG=1"
        case .status(let text): "STATUS=\(Self.singleLine(text))"
        case .mainPID(let pid): "MAINPID=\(pid)"
        }
    }

    /// The protocol separates assignments by newlines: a newline inside a value would forge one.
    private static func singleLine(_ text: String) -> String {
        String(text.map { $0 == "\n" || $0 == "\r\n" || $0 == "\r" || $0 == "\0" ? " " : $0 })
    }
}

/// Tells the service manager about the daemon's life cycle with `sd_notify(3)`.
///
/// A value type with no state: copy it anywhere. Every call reports whether a message was
/// actually sent (`false` when the daemon does not run under systemd, i.e. `NOTIFY_SOCKET` is
/// unset), and throws ``SystemdError/notifyFailed(state:errno:)`` when sending failed.
public struct ServiceNotifier: Sendable {
    public init() {}

    /// Whether `NOTIFY_SOCKET` is set, i.e. a service manager listens for notifications.
    public static var isConfigured: Bool { getenv("NOTIFY_SOCKET") != nil }

    /// Sends the fields as one datagram. Returns `false` when `NOTIFY_SOCKET` is unset.
    @discardableResult
    public func send(_ fields: [NotifyField]) throws(SystemdError) -> Bool {
        guard !fields.isEmpty else { return false }
        let state = fields.map(\.assignment).joined(separator: "\n")
        let result = sd_notify(0, state)
        if result < 0 {
            throw .notifyFailed(state: state, errno: -result)
        }
        return result > 0
    }

    /// `READY=1`, with an optional `STATUS=`.
    @discardableResult
    public func ready(status: String? = nil) throws(SystemdError) -> Bool {
        try send([.ready] + Self.status(status))
    }

    /// `STATUS=…` alone.
    @discardableResult
    public func status(_ text: String) throws(SystemdError) -> Bool {
        try send([.status(text)])
    }

    /// `RELOADING=1` and `MONOTONIC_USEC=<now>`: send before re-reading the configuration, and
    /// `ready()` when done, as `Type=notify-reload` expects.
    @discardableResult
    public func reloading(status: String? = nil) throws(SystemdError) -> Bool {
        try send([.reloading(monotonicMicroseconds: Self.monotonicMicroseconds())] + Self.status(status))
    }

    /// `STOPPING=1`, with an optional `STATUS=`.
    @discardableResult
    public func stopping(status: String? = nil) throws(SystemdError) -> Bool {
        try send([.stopping] + Self.status(status))
    }

    /// `WATCHDOG=1`. Prefer ``WatchdogPinger``, which only pings while the event loop is alive.
    @discardableResult
    public func watchdog() throws(SystemdError) -> Bool {
        try send([.watchdog])
    }

    /// `MAINPID=<pid>`.
    @discardableResult
    public func mainPID(_ pid: Int32) throws(SystemdError) -> Bool {
        try send([.mainPID(pid)])
    }

    /// `CLOCK_MONOTONIC` in microseconds, the clock systemd compares `MONOTONIC_USEC=` with.
    public static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }

    private static func status(_ text: String?) -> [NotifyField] {
        text.map { [.status($0)] } ?? []
    }
}
