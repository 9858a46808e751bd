internal import CSystemd
import Logging
internal import UnixSignals

/// What a signal asks the daemon to do.
public enum DaemonEvent: Hashable, Sendable, CustomStringConvertible {
    /// SIGHUP (`systemctl reload`, `ExecReload=kill -HUP $MAINPID`): re-read the configuration.
    case reload
    /// SIGTERM (`systemctl stop`) or SIGINT (Ctrl-C): shut down cleanly.
    case stop

    public var description: String {
        switch self {
        case .reload: "reload"
        case .stop: "stop"
        }
    }
}

/// SIGHUP, SIGTERM and SIGINT as an endless `AsyncSequence` of ``DaemonEvent``s, built on
/// swift-service-lifecycle's `UnixSignalsSequence`.
///
/// Creating it installs the handlers and checks that none of the three signals still has its
/// default action, so a SIGHUP can no longer kill the daemon. Create it once per process, early
/// (before anyone may send a signal), and iterate it once. The handlers stay installed for the
/// life of the process: once the sequence is gone the three signals are swallowed, never fatal.
public struct DaemonSignals: AsyncSequence, Sendable {
    public typealias Element = DaemonEvent

    private let signals: UnixSignalsSequence
    private let logger: Logger?

    /// The signals handled, with the event each one means.
    static let handled: [(name: String, number: Int32, event: DaemonEvent)] = [
        ("SIGHUP", UnixSignal.sighup.rawValue, .reload),
        ("SIGTERM", UnixSignal.sigterm.rawValue, .stop),
        ("SIGINT", UnixSignal.sigint.rawValue, .stop),
    ]

    /// Installs the handlers. Throws ``SystemdError/signalHandlerNotInstalled(signal:)`` if a
    /// signal would still take its default action afterwards.
    public init(logger: Logger? = nil) async throws(SystemdError) {
        signals = await UnixSignalsSequence(trapping: .sighup, .sigterm, .sigint)
        self.logger = logger
        // libdispatch replaces the disposition with its forwarding handler when it registers
        // the signal source; check rather than trust, since that is what keeps SIGHUP harmless.
        for (name, number, _) in Self.handled where keepalive_signal_disposition(number) != 2 {
            throw .signalHandlerNotInstalled(signal: name)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(signals: signals.makeAsyncIterator(), logger: logger)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var signals: UnixSignalsSequence.AsyncIterator
        let logger: Logger?

        /// The next event; `nil` only when the signal sources were torn down.
        public mutating func next() async -> DaemonEvent? {
            while let signal = await signals.next() {
                guard let handled = DaemonSignals.handled.first(where: { $0.number == signal.rawValue }) else {
                    continue
                }
                logger?.notice(
                    "Received \(handled.name): \(handled.event)",
                    metadata: ["keepalive.signal": "\(handled.name)"])
                return handled.event
            }
            return nil
        }
    }
}

extension DaemonSignals {
    /// Unblocks HUP, TERM and INT on the calling thread. A process started by a thread that had
    /// them blocked (a dispatch worker, a test runner) inherits that mask and would otherwise
    /// never see `systemctl stop`; call it on the main thread before anything else.
    public static func unblockOnCurrentThread() {
        var set = sigset_t()
        sigemptyset(&set)
        for entry in handled { sigaddset(&set, entry.number) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }
}
