#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds what keepalived accepts but what breaks real setups: weights that cannot move a VIP,
/// VRIDs that clash, scripts that will not run. Pure over the model, except for the question
/// whether a user exists, which is asked of this machine (or of `userExists` in tests).
public struct ConfigLinter: Sendable {
    /// Whether a user name resolves here (`getpwnam` by default).
    public var userExists: @Sendable (String) -> Bool

    public init(userExists: @escaping @Sendable (String) -> Bool = ConfigLinter.systemUserExists) {
        self.userExists = userExists
    }

    /// Every finding, in file order.
    public func lint(_ config: KeepalivedConfiguration, syntax: [Statement] = []) -> [LintFinding] {
        var findings: [LintFinding] = []
        findings += PriorityRules(config: config).findings()
        findings += VRRPRules(config: config).findings()
        findings += ScriptRules(config: config, userExists: userExists).findings()
        findings += LVSRules(config: config).findings()
        findings += AuthenticationRules.findings(config: config, syntax: syntax)
        return findings.sorted {
            ($0.location.file, $0.location.line, $0.location.column) < (
                $1.location.file, $1.location.line, $1.location.column
            )
        }
    }

    /// Reads `file` like the daemons do (errors refuse, by throwing) and lints it, including the
    /// written words the model no longer has (an `auth_pass` is cut to 8 characters on reading).
    public func lint(file path: String, configID: String? = nil) throws(ConfigError) -> LintReport {
        let loaded = try ConfigLoader(configID: configID).load(file: path)
        let syntax = try SyntaxReader(configID: configID).read(file: path)
        return LintReport(loaded: loaded, findings: lint(loaded.configuration, syntax: syntax.statements))
    }

    /// Asks the system's user database, as keepalived does before running a script.
    public static let systemUserExists: @Sendable (String) -> Bool = { name in
        getpwnam(name) != nil
    }
}

/// A configuration that loaded, and the traps found in it.
public struct LintReport: Sendable {
    public var loaded: LoadedConfiguration
    public var findings: [LintFinding]
}
