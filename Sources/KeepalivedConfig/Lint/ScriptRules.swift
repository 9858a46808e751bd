#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Traps in the commands keepalived runs: `vrrp_script`'s `script` and `MISC_CHECK`'s
/// `misc_path`. keepalived splits such a command into words and executes the first one
/// directly, with no shell in between.
struct ScriptRules {
    let config: KeepalivedConfiguration
    let userExists: @Sendable (String) -> Bool

    /// A command, where it was written and who runs it.
    struct Command {
        var owner: String
        var text: String
        var location: SourceLocation
        var user: ScriptUser?
        var userLocation: SourceLocation
    }

    var commands: [Command] {
        var commands = config.scripts.map {
            Command(
                owner: "vrrp_script \($0.name)", text: $0.script, location: $0.origin.at("script"), user: $0.runAs,
                userLocation: $0.origin.at("user"))
        }
        for instance in config.instances {
            commands += Self.notifyCommands(instance.notify, of: "vrrp_instance \(instance.name)", instance.origin)
        }
        for group in config.syncGroups {
            commands += Self.notifyCommands(group.notify, of: "vrrp_sync_group \(group.name)", group.origin)
        }
        for server in config.virtualServers {
            for real in server.realServers {
                for case .misc(let check) in real.checkers {
                    commands.append(
                        Command(
                            owner: "MISC_CHECK of real_server \(real.address)", text: check.path,
                            location: check.origin.at("misc_path"), user: check.runAs,
                            userLocation: check.origin.at("user")))
                }
            }
        }
        return commands
    }

    /// The `notify*` commands of an instance or sync group, each at its keyword.
    static func notifyCommands(_ notify: NotifyScripts, of owner: String, _ origin: Origin) -> [Command] {
        let all: [(String, NotifyCommand?)] = [
            ("notify_master", notify.master), ("notify_backup", notify.backup), ("notify_fault", notify.fault),
            ("notify_stop", notify.stop), ("notify", notify.any), ("notify_deleted", notify.deleted?.script),
            ("notify_master_rx_lower_pri", notify.masterReceivedLowerPriority),
        ]
        return all.compactMap { keyword, command in
            command.map {
                Command(
                    owner: "\(keyword) of \(owner)", text: $0.command, location: origin.at(keyword), user: $0.runAs,
                    userLocation: origin.at(keyword))
            }
        }
    }

    func findings() -> [LintFinding] {
        var findings = commands.flatMap { pathFindings($0) + userFindings($0.owner, $0.user, at: $0.userLocation) }
        let global = config.globalDefinitions
        findings += userFindings("global_defs", global.scriptUser, at: global.origin.at("script_user"))
        return findings
    }

    /// Shell syntax that means nothing without a shell.
    static let shellTokens = ["|", "&&", ";", ">", "<", "$(", "`"]
    static let shells: Set<String> = ["sh", "bash", "dash", "zsh", "ksh"]

    func pathFindings(_ command: Command) -> [LintFinding] {
        let words = command.text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let program = words.first else { return [] }
        var findings: [LintFinding] = []
        // A program that starts with shell syntax gets the shell finding below only.
        if !program.hasPrefix("/"), !Self.shellTokens.contains(where: { program.hasPrefix($0) }) {
            let found = Self.searchPath(for: program).map { "'\($0)'" } ?? "the program's full path"
            findings.append(
                LintFinding(
                    .scriptPath, at: command.location,
                    "\(command.owner) runs '\(program)', which is not an absolute path",
                    why: "the daemon's PATH is not your shell's, and with enable_script_security keepalived "
                        + "cannot check who may write the file, so the script may not run or run something else",
                    fix: "write \(found)"))
        }
        let base = program.split(separator: "/").last.map(String.init) ?? program
        if !Self.shells.contains(base), let token = Self.shellTokens.first(where: { command.text.contains($0) }) {
            findings.append(
                LintFinding(
                    .scriptPath, at: command.location,
                    "\(command.owner) uses shell syntax '\(token)' but no shell runs it",
                    why: "keepalived executes '\(program)' with the other words as plain arguments, so '\(token)' "
                        + "is passed to it literally and the check fails (or passes) for the wrong reason",
                    fix: "put the command line in an executable script file and give its absolute path, "
                        + "or run it as \"/bin/sh -c '...'\""))
        }
        return findings
    }

    func userFindings(_ owner: String, _ user: ScriptUser?, at location: SourceLocation) -> [LintFinding] {
        guard let user, !userExists(user.user) else { return [] }
        return [
            LintFinding(
                .unknownScriptUser, at: location,
                "\(owner) runs as user '\(user.user)', which does not exist on this machine",
                why: "keepalived cannot switch to a missing user: the script is disabled (or the configuration "
                    + "refused) and the tracked check never runs",
                fix: "create the user (useradd -r -s /usr/sbin/nologin \(user.user)) or name an existing one")
        ]
    }

    /// Where the usual system PATH would find `program`, to suggest the absolute path.
    static func searchPath(for program: String) -> String? {
        guard !program.contains("/") else { return nil }
        for directory in ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"] {
            let candidate = "\(directory)/\(program)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}
