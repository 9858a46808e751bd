/// One run of a script: what to execute, as whom, with what environment and for how long.
public struct ScriptInvocation: Sendable, Hashable {
    /// The command; its program should be absolute (see ``ScriptSecurity/check(_:runningAs:)``).
    public var command: ScriptCommand
    /// nil runs as this process's own user. Another user needs root (or CAP_SETUID/CAP_SETGID
    /// as ambient capabilities) and runs through `setpriv`, see ``ScriptEnvironment/setprivPath``.
    public var credentials: ScriptCredentials?
    /// Added to the minimal environment (`PATH=` ``ScriptEnvironment/defaultPath``); may override PATH.
    public var environment: [String: String]
    /// When it expires the whole process group gets SIGKILL; nil waits forever.
    public var timeout: Duration?
    /// Where stdout and stderr go.
    public var output: ScriptOutput

    public init(
        command: ScriptCommand, credentials: ScriptCredentials? = nil, environment: [String: String] = [:],
        timeout: Duration? = nil, output: ScriptOutput = .discard
    ) {
        self.command = command
        self.credentials = credentials
        self.environment = environment
        self.timeout = timeout
        self.output = output
    }
}

/// stdout and stderr of a script: thrown away (keepalived's behaviour) or captured together.
public enum ScriptOutput: Sendable, Hashable {
    /// Both to /dev/null.
    case discard
    /// Both into one pipe; the first `limit` bytes are kept, the rest read and dropped.
    case capture(limit: Int)

    /// Capture with a 64 KiB bound.
    public static let capture = ScriptOutput.capture(limit: 64 * 1024)
}

/// The fixed parts of every script's surroundings.
public enum ScriptEnvironment {
    /// The only variable a script gets unless the invocation adds more.
    public static let defaultPath = "/usr/sbin:/usr/bin:/sbin:/bin"
    /// util-linux's setpriv changes uid, gid and supplementary groups between our spawn and the
    /// script's exec (posix_spawn cannot). Debian ships it in util-linux (always installed).
    public static let setprivPath = "/usr/bin/setpriv"

    /// `KEY=value` strings for execve, PATH first, the rest sorted for reproducible runs.
    static func entries(_ extra: [String: String]) -> [String] {
        var all = extra
        let path = all.removeValue(forKey: "PATH") ?? defaultPath
        return ["PATH=\(path)"] + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }
}

/// How a run ended.
public enum ScriptOutcome: Sendable, Hashable, CustomStringConvertible {
    /// The program exited with this status (0...255).
    case exited(Int32)
    /// The program died of this signal (not ours: a timeout is ``timedOut``).
    case signalled(Int32)
    /// The timeout expired and the process group was killed.
    case timedOut
    /// The program could not be started: `errno` and its text (e.g. ENOENT, EACCES).
    case spawnFailed(errno: Int32, message: String)
    /// The run was cancelled (the awaiting task was cancelled) and the group was killed.
    case cancelled

    public var description: String {
        switch self {
        case .exited(let status): "exited with status \(status)"
        case .signalled(let signal): "killed by signal \(signal)"
        case .timedOut: "timed out"
        case .spawnFailed(let code, let message): "could not be started: \(message) (errno \(code))"
        case .cancelled: "cancelled"
        }
    }
}

/// Everything a caller needs after a run: checkd maps the outcome to OK/FAILED or a
/// `misc_dynamic` weight, vrrpd logs failures.
public struct ScriptResult: Sendable, Hashable {
    public var outcome: ScriptOutcome
    /// From spawn to reaping (or to the spawn failure).
    public var duration: Duration
    /// Captured stdout+stderr (empty with ``ScriptOutput/discard``), at most the limit.
    public var output: [UInt8]
    /// True when the script wrote more than the limit.
    public var outputTruncated: Bool

    public init(outcome: ScriptOutcome, duration: Duration, output: [UInt8] = [], outputTruncated: Bool = false) {
        self.outcome = outcome
        self.duration = duration
        self.output = output
        self.outputTruncated = outputTruncated
    }

    /// Exit status 0: what vrrp_script and MISC_CHECK count as success.
    public var succeeded: Bool { outcome == .exited(0) }

    /// The exit status when the program exited normally.
    public var exitStatus: Int32? {
        if case .exited(let status) = outcome { return status }
        return nil
    }

    /// The output decoded as UTF-8 (invalid bytes replaced).
    public var outputText: String { String(decoding: output, as: UTF8.self) }
}
