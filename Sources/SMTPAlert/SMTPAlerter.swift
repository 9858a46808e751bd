import Logging
import NIOCore
import NIOPosix

/// Sends keepalived's alert mails. `post` is what daemons call on a transition: it returns at
/// once and a dead SMTP server costs one log line, never a delayed transition.
public struct SMTPAlerter: Sendable {
    public let settings: SMTPAlertSettings
    private let logger: Logger
    private let group: any EventLoopGroup

    public init(
        settings: SMTPAlertSettings, logger: Logger,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.settings = settings
        self.logger = logger
        self.group = group
    }

    /// Delivers one alert and returns when the server accepted it (or throws why not).
    public func send(_ message: AlertMessage) async throws(SMTPAlertError) {
        let session = SMTPSession(settings: settings, group: group)
        try await session.deliver(message, date: AlertMessage.dateHeader())
    }

    /// Fire and forget: delivers in a task of its own and logs the outcome with keepalived's
    /// texts. The returned task lets a caller (a test, a stopping daemon) wait for it.
    @discardableResult
    public func post(_ message: AlertMessage) -> Task<Void, Never> {
        let logger = logger
        return Task {
            do {
                try await send(message)
                logger.info("SMTP alert successfully sent.", metadata: ["subject": "\(message.subject)"])
            } catch {
                logger.warning("\(error)", metadata: ["subject": "\(message.subject)"])
            }
        }
    }
}
