import Glibc

/// What can go wrong talking to systemd. Each case carries what an operator needs to act on it.
public enum SystemdError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `sd_notify` failed (the socket in `NOTIFY_SOCKET` is gone, full or not a socket).
    case notifyFailed(state: String, errno: Int32)
    /// `sd_watchdog_enabled` refused the environment (e.g. `WATCHDOG_USEC` is not a number).
    case invalidWatchdogEnvironment(errno: Int32)
    /// After installing the daemon's signal handlers the signal would still run its default
    /// action (for SIGHUP: kill the process), so reload and stop requests would be lost.
    case signalHandlerNotInstalled(signal: String)

    public var description: String {
        switch self {
        case .notifyFailed(let state, let errno):
            let first = state.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? state
            return "sd_notify(\(first)) failed: \(Self.describe(errno: errno))"
        case .invalidWatchdogEnvironment(let errno):
            return "invalid WATCHDOG_USEC/WATCHDOG_PID in the environment: \(Self.describe(errno: errno))"
        case .signalHandlerNotInstalled(let signal):
            return "\(signal) still has its default action after installing the daemon's handler"
        }
    }

    static func describe(errno: Int32) -> String {
        guard let text = strerror(errno) else { return "errno \(errno)" }
        return "\(String(cString: text)) (errno \(errno))"
    }
}
