/// A user (and optionally group) to run a script as: `script_user`, `user`, or the trailing
/// `[username [groupname]]` of a notify script.
public struct ScriptUser: Hashable, Sendable, Codable {
    public var user: String
    /// Defaults to the user's own group when nil.
    public var group: String?

    public init(user: String, group: String? = nil) {
        self.user = user
        self.group = group
    }

    var words: [String] { [user] + (group.map { [$0] } ?? []) }

    init?(_ words: ArraySlice<Word>, for keyword: String, _ diagnostics: inout Diagnostics) {
        guard let first = words.first else { return nil }
        let rest = words.dropFirst()
        self.init(user: first.text, group: rest.first?.text)
        if rest.count > 1 {
            diagnostics.warning(
                "'\(keyword)' takes a user and a group, extra words ignored", at: rest.dropFirst().first!.location)
        }
    }
}

/// A command keepalived runs on an event: the full command line (quoted in the file when it
/// has arguments) and, optionally, the user and group to run it as.
public struct NotifyCommand: Hashable, Sendable, Codable {
    /// The command line exactly as configured, e.g. `/usr/local/bin/notify.sh VI_1`.
    public var command: String
    public var runAs: ScriptUser?

    public init(command: String, runAs: ScriptUser? = nil) {
        self.command = command
        self.runAs = runAs
    }

    init?(reading statement: Statement, _ diagnostics: inout Diagnostics) {
        guard let command = statement.argument(0, &diagnostics, expected: "a script path or quoted command")
        else { return nil }
        guard !command.text.isEmpty else {
            diagnostics.error("'\(statement.name)' expects a script path or quoted command", at: command.location)
            return nil
        }
        self.command = command.text
        runAs = ScriptUser(statement.arguments.dropFirst(), for: statement.name, &diagnostics)
    }

    func render(_ keyword: String, into writer: inout ConfigWriter) {
        writer.line([keyword, command] + (runAs?.words ?? []))
    }
}

/// The notify scripts a vrrp_instance or vrrp_sync_group runs on state transitions.
public struct NotifyScripts: Hashable, Sendable, Codable {
    /// `notify_master`: run on the transition to MASTER.
    public var master: NotifyCommand?
    /// `notify_backup`: run on the transition to BACKUP.
    public var backup: NotifyCommand?
    /// `notify_fault`: run on the transition to FAULT.
    public var fault: NotifyCommand?
    /// `notify_stop`: run when VRRP stops.
    public var stop: NotifyCommand?
    /// `notify_deleted`: send DELETED rather than FAULT when removed by a reload; the script
    /// is optional, so a bare keyword is `NotifyDeleted(script: nil)`.
    public var deleted: NotifyDeleted?
    /// `notify`: run after any transition with `GROUP|INSTANCE name STATE priority` appended.
    public var any: NotifyCommand?
    /// `notify_master_rx_lower_pri`: run when a master receives a lower priority advert.
    public var masterReceivedLowerPriority: NotifyCommand?

    public init() {}

    public struct NotifyDeleted: Hashable, Sendable, Codable {
        public var script: NotifyCommand?
        public init(script: NotifyCommand? = nil) { self.script = script }
    }

    public var isEmpty: Bool { self == NotifyScripts() }

    /// Reads one `notify*` keyword; false when `statement` is not one.
    mutating func read(_ statement: Statement, _ diagnostics: inout Diagnostics) -> Bool {
        switch statement.name {
        case "notify_master": master = NotifyCommand(reading: statement, &diagnostics)
        case "notify_backup": backup = NotifyCommand(reading: statement, &diagnostics)
        case "notify_fault": fault = NotifyCommand(reading: statement, &diagnostics)
        case "notify_stop": stop = NotifyCommand(reading: statement, &diagnostics)
        case "notify": any = NotifyCommand(reading: statement, &diagnostics)
        case "notify_master_rx_lower_pri":
            masterReceivedLowerPriority = NotifyCommand(reading: statement, &diagnostics)
        case "notify_deleted":
            deleted = NotifyDeleted(
                script: statement.arguments.isEmpty ? nil : NotifyCommand(reading: statement, &diagnostics))
        default: return false
        }
        return true
    }

    func render(into writer: inout ConfigWriter) {
        master?.render("notify_master", into: &writer)
        backup?.render("notify_backup", into: &writer)
        fault?.render("notify_fault", into: &writer)
        stop?.render("notify_stop", into: &writer)
        if let deleted {
            if let script = deleted.script {
                script.render("notify_deleted", into: &writer)
            } else {
                writer.line("notify_deleted")
            }
        }
        any?.render("notify", into: &writer)
        masterReceivedLowerPriority?.render("notify_master_rx_lower_pri", into: &writer)
    }
}
