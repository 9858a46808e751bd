import KeepalivedConfig
import Logging
import ScriptRunner

/// What happens around a real server's flip besides the log: its notify_up/notify_down script
/// (in order, one at a time per server, as its configured user) and an SMTP alert.
final class ServerNotifier: Sendable {
    private let launcher: ScriptLauncher
    private let queue = ScriptQueue()
    private let alerts: any CheckerAlertSink
    private let logger: Logger

    init(launcher: ScriptLauncher, alerts: any CheckerAlertSink, logger: Logger) {
        self.launcher = launcher
        self.alerts = alerts
        self.logger = logger
    }

    /// Queues `notify` for the server; the task ends when the script has run (or was refused).
    @discardableResult
    func run(_ notify: NotifyCommand, for spec: RealServerSpec) -> Task<ScriptResult, Never> {
        let key = "\(spec.virtualServer) \(spec.realServer)"
        switch launcher.prepare(notify.command, runAs: notify.runAs) {
        case .failure(let refusal):
            logger.error("notify script of \(spec.realServer) in VS \(spec.virtualServer): \(refusal)")
            return Task { ScriptResult(outcome: .spawnFailed(errno: 0, message: refusal.description), duration: .zero) }
        case .success(let prepared):
            for warning in prepared.warnings { logger.warning("\(warning)") }
            let logger = logger
            let line = prepared.command.description
            let run = queue.enqueue(key: key, prepared.invocation(timeout: nil))
            return Task {
                let result = await run.value
                if result.succeeded {
                    logger.debug("notify script \(line) exited 0")
                } else {
                    logger.warning("notify script \(line) \(result.outcome)")
                }
                return result
            }
        }
    }

    /// Hands a health change of a server with `smtp_alert` to the alert sink.
    func alert(_ spec: RealServerSpec, healthy: Bool, reason: String) {
        let alert = CheckerAlert(
            virtualServer: spec.virtualServer, realServer: spec.realServer, healthy: healthy, reason: reason)
        let alerts = alerts
        Task { await alerts.send(alert) }
    }
}

/// A real server going up or down, as an SMTP alert describes it.
public struct CheckerAlert: Sendable, Hashable {
    public var virtualServer: String
    public var realServer: String
    public var healthy: Bool
    public var reason: String

    /// keepalived's subject line for checker alerts.
    public var subject: String {
        "[\(realServer)] of VS \(virtualServer) is \(healthy ? "UP" : "DOWN")"
    }
}

/// Where checkd's SMTP alerts (`smtp_alert`, `smtp_alert_checker`) go.
public protocol CheckerAlertSink: Sendable {
    func send(_ alert: CheckerAlert) async
}

/// HOOK for SMTP alerts: the `SMTPAlert` module is written on another branch and not merged
/// yet, so no mail is sent; this sink says so in the log for every alert it would send.
public struct SMTPAlertNotMerged: CheckerAlertSink {
    let logger: Logger

    public init(logger: Logger) { self.logger = logger }

    public func send(_ alert: CheckerAlert) async {
        logger.warning("SMTP alert not sent (checkd has no SMTP sender yet): \(alert.subject)")
    }
}
