/// `vrrp_script NAME { ... }`: a check run every `interval` seconds whose exit code moves the
/// priority of the instances and sync groups that track it, or puts them in FAULT.
/// Like keepalived, a script block without `script` is dropped with a warning (a conditional
/// `@id script ...` line may leave it empty on other hosts).
public struct VRRPScript: Hashable, Sendable, Codable, ConfigRenderable {
    public var name: String
    /// `script`: the command line to execute.
    public var script: String
    /// `interval`: seconds between runs (default 1).
    public var interval: Int
    /// `timeout`: seconds after which a run counts as failed; keepalived uses `interval` when nil.
    public var timeout: Int?
    /// `weight`: added on success (positive) or subtracted on failure (negative); 0 (the
    /// default) means FAULT after `fall` failures.
    public var weight: Int
    /// `weight N reverse`: move the priority the other way.
    public var reverse: Bool
    /// `rise`: successes needed for OK (default 1).
    public var rise: Int
    /// `fall`: failures needed for KO (default 1).
    public var fall: Int
    /// `user USER [GROUP]`: run as this user instead of `script_user`.
    public var runAs: ScriptUser?
    /// `init_fail`: start in the failed state.
    public var initFail: Bool
    public var origin: Origin

    public init(name: String, script: String) {
        self.name = name
        self.script = script
        interval = 1
        weight = 0
        reverse = false
        rise = 1
        fall = 1
        initFail = false
        origin = Origin()
    }

    static let weights = -253...253

    init?(reading statement: Statement, _ diagnostics: inout Diagnostics) {
        guard let name = statement.argument(0, &diagnostics, expected: "a script name") else { return nil }
        self.init(name: name.text, script: "")
        var origin = Origin(statement.location)
        var script: String?
        readBlock(statement.requireBlock(&diagnostics), of: "vrrp_script", origin: &origin, &diagnostics) { s, d in
            switch s.name {
            case "script": script = s.argument(0, &d, expected: "a command")?.text
            case "interval": s.integer(in: 1...4294, &d).map { interval = $0 }
            case "timeout": s.integer(in: 1...4294, &d).map { timeout = $0 }
            case "rise": s.integer(in: 1...Int(Int32.max), &d).map { rise = $0 }
            case "fall": s.integer(in: 1...Int(Int32.max), &d).map { fall = $0 }
            case "weight":
                let setting = s.weightAndReverse(in: Self.weights, &d)
                setting.weight.map { weight = $0 }
                setting.reverse.map { reverse = $0 }
            case "user":
                runAs = s.argument(0, &d, expected: "a user name").flatMap { _ in
                    ScriptUser(s.arguments[...], for: "user", &d)
                }
            case "init_fail": initFail = true
            default: return false
            }
            return true
        }
        self.origin = origin
        guard let script, !script.isEmpty else {
            diagnostics.warning("no script set for vrrp_script \(name.text), removed", at: statement.location)
            return nil
        }
        self.script = script
    }

    public func render(into writer: inout ConfigWriter) {
        writer.block("vrrp_script", name) { w in
            w.line("script", script)
            w.line("interval", String(interval))
            w.option("timeout", timeout)
            w.line(["weight", String(weight)] + (reverse ? ["reverse"] : []))
            w.line("rise", String(rise))
            w.line("fall", String(fall))
            if let runAs { w.line(["user"] + runAs.words) }
            w.flag("init_fail", initFail)
        }
    }
}
