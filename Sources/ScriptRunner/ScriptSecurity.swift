#if canImport(Glibc)
    import Glibc
#endif

/// keepalived's `enable_script_security` checks, made once per script at config load: a script
/// that will run as root must not be replaceable by a non-root user, so its file and every
/// directory on its real path must be owned by root and not writable by group or others
/// (a sticky directory such as /tmp is allowed, as keepalived allows it).
public struct ScriptSecurity: Sendable {
    /// `enable_script_security` from `global_defs`.
    public var enabled: Bool
    /// keepalived's line, word for word, for a config that runs scripts without `enable_script_security`.
    public static let violationWarning =
        "SECURITY VIOLATION - scripts are being executed but script_security not enabled."

    /// Where a bare program name is looked up when security is off (keepalived's path search).
    public var searchPath: [String]

    public init(
        enabled: Bool, searchPath: [String] = ScriptEnvironment.defaultPath.split(separator: ":").map(String.init)
    ) {
        self.enabled = enabled
        self.searchPath = searchPath
    }

    /// Decides whether `command` may run as `credentials`. An allowed command comes back with its
    /// program resolved to an absolute path, and with warnings (keepalived's texts) to log.
    public func check(_ command: ScriptCommand, runningAs credentials: ScriptCredentials) -> ScriptVerdict {
        var warnings: [String] = []
        var resolved = command
        if !command.isAbsolute {
            if enabled { return .refused(.relativePath(command.program)) }
            guard let found = search(command.program) else { return .refused(.notFound(command.program)) }
            warnings.append(
                "WARNING - script `\(command.program)` resolved by path search to `\(found)`. Please specify full path."
            )
            resolved.program = found
        }
        guard let real = Self.realPath(resolved.program) else { return .refused(.notFound(resolved.program)) }
        var info = stat()
        guard stat(real, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            return .refused(.notFound(resolved.program))
        }
        guard access(real, X_OK) == 0 || info.st_mode & 0o111 != 0 else {
            return .refused(.notExecutable(resolved.program))
        }
        if let weakness = Self.firstWeakness(inPathOf: real) {
            let refusal = ScriptRefusal.writableByNonRoot(script: resolved.program, weakness: weakness)
            if credentials.uid == 0 {
                if enabled { return .refused(refusal) }
                warnings.append("WARNING - script '\(resolved.program)' is insecure: \(weakness)")
            }
        }
        return .allowed(resolved, warnings: warnings)
    }

    private func search(_ name: String) -> String? {
        for directory in searchPath where !directory.isEmpty {
            let candidate = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Walks `/`, `/a`, `/a/b`, … `/a/b/script` and names the first part a non-root user controls.
    static func firstWeakness(inPathOf realPath: String) -> String? {
        var prefixes = ["/"]
        var current = ""
        for part in realPath.split(separator: "/") {
            current += "/" + part
            prefixes.append(current)
        }
        for path in prefixes {
            var info = stat()
            guard stat(path, &info) == 0 else { return "\(path) cannot be examined (\(ScriptRefusal.errnoText()))" }
            let isDirectory = info.st_mode & S_IFMT == S_IFDIR
            let kind = isDirectory ? "directory" : "file"
            if info.st_uid != 0 { return "\(kind) \(path) is owned by uid \(info.st_uid)" }
            if isDirectory && info.st_mode & S_ISVTX != 0 { continue }
            if info.st_mode & S_IWOTH != 0 { return "\(kind) \(path) is writable by others" }
            if info.st_mode & S_IWGRP != 0 { return "\(kind) \(path) is writable by group \(info.st_gid)" }
        }
        return nil
    }
}

/// The outcome of ``ScriptSecurity/check(_:runningAs:)``.
public enum ScriptVerdict: Sendable, Hashable {
    /// Run this (resolved) command; log the warnings.
    case allowed(ScriptCommand, warnings: [String])
    /// Do not run it; log the refusal and treat the script as failed/disabled.
    case refused(ScriptRefusal)
}

/// Why a script was refused; `description` is the line to log.
public enum ScriptRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// `enable_script_security` requires an absolute path.
    case relativePath(String)
    /// The program does not exist (or is not a regular file), or PATH search found nothing.
    case notFound(String)
    /// Nobody may execute the file.
    case notExecutable(String)
    /// It would run as root, and a non-root user could change it.
    case writableByNonRoot(script: String, weakness: String)

    public var description: String {
        switch self {
        case .relativePath(let program):
            "Disabling script '\(program)': a relative path is not allowed with enable_script_security"
        case .notFound(let program): "Disabling script '\(program)': it does not exist or is not a regular file"
        case .notExecutable(let program): "Disabling script '\(program)': it is not executable"
        case .writableByNonRoot(let script, let weakness):
            "Disabling script '\(script)' since it is insecure (it would run as root and \(weakness))"
        }
    }

    static func errnoText(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }
}
