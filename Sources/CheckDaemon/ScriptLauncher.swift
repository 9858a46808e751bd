import KeepalivedConfig
import Logging
import ScriptRunner

/// Turns a configured command line into a run checkd may make: split like keepalived, the user
/// resolved (`user`, else `script_user`, else `keepalived_script`, else root with keepalived's
/// warning), and `enable_script_security` applied. Built once per configuration.
public struct ScriptLauncher: Sendable {
    public let security: ScriptSecurity
    public let defaultCredentials: ScriptCredentials

    /// Why a script will not run; the text is what is logged.
    public enum Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        case unparsable(String, ScriptCommandError)
        case unknownUser(String, ScriptCredentialsError)
        case insecure(ScriptRefusal)

        public var description: String {
            switch self {
            case .unparsable(let text, let error): "Disabling script '\(text)': \(error)"
            case .unknownUser(let text, let error): "Disabling script '\(text)': \(error)"
            case .insecure(let refusal): refusal.description
            }
        }
    }

    /// A command ready to run, with the warnings keepalived would log about it.
    public struct Prepared: Sendable, Hashable {
        public var command: ScriptCommand
        public var credentials: ScriptCredentials
        public var warnings: [String]

        public func invocation(timeout: Duration?, output: ScriptOutput = .discard) -> ScriptInvocation {
            ScriptInvocation(command: command, credentials: credentials, timeout: timeout, output: output)
        }
    }

    /// Reads `script_user` and `enable_script_security`; logs keepalived's warning when the
    /// default user is missing and root is used.
    public init(globals: GlobalDefinitions, logger: Logger) {
        security = ScriptSecurity(enabled: globals.enableScriptSecurity)
        do {
            let (credentials, warning) = try ScriptCredentials.defaultCredentials(
                scriptUser: globals.scriptUser?.user, scriptGroup: globals.scriptUser?.group)
            if let warning { logger.warning("\(warning)") }
            defaultCredentials = credentials
        } catch {
            logger.error("\(error); scripts run as root")
            defaultCredentials = .root
        }
    }

    public init(security: ScriptSecurity, defaultCredentials: ScriptCredentials) {
        self.security = security
        self.defaultCredentials = defaultCredentials
    }

    /// Splits, resolves the user and checks security; a refused script never runs.
    public func prepare(_ text: String, runAs: ScriptUser?) -> Result<Prepared, Refusal> {
        let command: ScriptCommand
        do { command = try ScriptCommand(parsing: text) } catch { return .failure(.unparsable(text, error)) }
        var credentials = defaultCredentials
        if let runAs {
            do {
                credentials = try ScriptCredentials.resolve(user: runAs.user, group: runAs.group)
            } catch {
                return .failure(.unknownUser(text, error))
            }
        }
        switch security.check(command, runningAs: credentials) {
        case .allowed(let resolved, let warnings):
            return .success(Prepared(command: resolved, credentials: credentials, warnings: warnings))
        case .refused(let refusal):
            return .failure(.insecure(refusal))
        }
    }
}
