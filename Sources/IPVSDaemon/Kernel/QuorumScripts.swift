import KeepalivedConfig
import Logging
import ScriptRunner

/// Runs `quorum_up` / `quorum_down` one at a time per virtual server, in the order the quorum
/// changed, never blocking the table.
struct QuorumScripts: Sendable {
    let queue = ScriptQueue()
    let logger: Logger

    /// Queues the event's script; the returned task ends when it has run.
    @discardableResult
    func run(_ event: QuorumEvent) -> Task<Void, Never>? {
        guard let script = event.script else { return nil }
        let command: ScriptCommand
        do {
            command = try ScriptCommand(parsing: script.command)
        } catch {
            logger.error("VS \(event.virtualServer): cannot run [\(script.command)]: \(error)")
            return nil
        }
        var credentials: ScriptCredentials?
        if let user = script.runAs {
            do {
                credentials = try ScriptCredentials.resolve(user: user.user, group: user.group)
            } catch {
                logger.error("VS \(event.virtualServer): cannot run [\(script.command)] as \(user.user): \(error)")
                return nil
            }
        }
        logger.info("Executing [\(script.command)] for VS \(event.virtualServer)")
        let logger = logger
        let run = queue.enqueue(
            key: event.virtualServer,
            ScriptInvocation(command: command, credentials: credentials, timeout: .seconds(60)))
        return Task {
            let result = await run.value
            if case .exited(0) = result.outcome { return }
            logger.warning("[\(script.command)] for VS \(event.virtualServer): \(result.outcome)")
        }
    }
}
