import KeepalivedConfig
import ScriptRunner

/// `MISC_CHECK`: runs `misc_path` (split like keepalived, no shell) as `user`, killed after
/// `misc_timeout` (delay_loop when unset). Exit 0 passes; with `misc_dynamic`, 1 fails and
/// 2-255 pass with weight = status - 2; without it every non-zero status fails.
public struct MiscProbe: RealServerProbe {
    public let invocation: ScriptInvocation
    public let dynamic: Bool

    public var keyword: String { "MISC_CHECK" }

    /// `defaultCredentials` applies when the check has no `user` (keepalived's script_user).
    public init(
        check: MiscCheck, timeout: Duration, defaultCredentials: ScriptCredentials?
    ) throws(ProbeConfigurationError) {
        let command: ScriptCommand
        do {
            command = try ScriptCommand(parsing: check.path)
        } catch {
            throw .badScript("\(error)")
        }
        var credentials = defaultCredentials
        if let user = check.runAs {
            do {
                credentials = try ScriptCredentials.resolve(user: user.user, group: user.group)
            } catch {
                throw .unknownUser("\(error)")
            }
        }
        invocation = ScriptInvocation(command: command, credentials: credentials, timeout: timeout)
        dynamic = check.dynamic
    }

    public func attempt() async -> ProbeResult {
        let result = await ScriptProcess.run(invocation)
        return Self.judge(result.outcome, dynamic: dynamic)
    }

    /// keepalived's reading of a script's end.
    static func judge(_ outcome: ScriptOutcome, dynamic: Bool) -> ProbeResult {
        switch outcome {
        case .exited(0):
            return .success(weight: nil)
        case .exited(let status) where dynamic && status >= 2:
            return .success(weight: Int(status) - 2)
        case .exited(let status):
            return .failure(.scriptExit(status))
        case .signalled(let signal):
            return .failure(.scriptSignal(signal))
        case .timedOut:
            return .failure(.scriptTimeout)
        case .spawnFailed(_, let message):
            return .failure(.scriptNotStarted(message))
        case .cancelled:
            return .failure(.other("cancelled"))
        }
    }
}
