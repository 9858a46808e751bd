/// One trap found by `kactl config lint`: where it is, what is wrong, why it breaks a real setup,
/// and what to write instead. A finding never refuses a file; keepalived would run it as written.
public struct LintFinding: Hashable, Sendable, Codable, CustomStringConvertible {
    public var rule: LintRule
    public var location: SourceLocation
    /// What is wrong, in one line.
    public var message: String
    /// Why it breaks: what keepalived does with it.
    public var why: String
    /// What to write instead.
    public var fix: String

    public init(_ rule: LintRule, at location: SourceLocation, _ message: String, why: String, fix: String) {
        self.rule = rule
        self.location = location
        self.message = message
        self.why = why
        self.fix = fix
    }

    /// Compiler style, then the explanation indented below it.
    public var description: String {
        "\(location): warning: \(message) [\(rule.rawValue)]\n    why: \(why)\n    fix: \(fix)"
    }

    /// The finding as a warning diagnostic, for tools that only know diagnostics.
    public var diagnostic: Diagnostic {
        Diagnostic(.warning, at: location, "\(message) [\(rule.rawValue)]")
    }
}

/// The traps `kactl config lint` knows, named as `--json` and the warning suffix print them.
public enum LintRule: String, Hashable, Sendable, Codable, CaseIterable {
    /// A tracked check whose failure cannot bring the master below its backup.
    case weightTooSmall = "weight-too-small"
    /// Two instances with one VRID on one interface and address family.
    case duplicateVRID = "duplicate-vrid"
    /// A relative script path, or shell syntax in a script run without a shell.
    case scriptPath = "script-path"
    /// A script user that does not exist on this machine.
    case unknownScriptUser = "unknown-script-user"
    /// An `auth_pass` longer than the eight characters an advert carries.
    case longAuthPass = "long-auth-pass"
    /// Sync group members advertising at different intervals.
    case syncGroupAdvertInterval = "sync-group-advert-int"
    /// `state MASTER` below priority 255.
    case masterBelowOwner = "master-below-255"
    /// `nopreempt` that keepalived clears because the state is MASTER.
    case nopreemptWithMaster = "nopreempt-with-master"
    /// A `virtual_server` on an address no instance of this file carries.
    case virtualServerNotVIP = "virtual-server-not-vip"
    /// A unicast peer that is this node's own source address.
    case unicastPeerIsSelf = "unicast-peer-is-self"
}

/// The location to report when the model has none (a configuration built in code).
let unknownLocation = SourceLocation(file: "<config>", line: 0, column: 0)

extension Origin {
    /// Where `keyword` was written, else the block, else nowhere known.
    func at(_ keyword: String) -> SourceLocation { self[keyword] ?? unknownLocation }
}
