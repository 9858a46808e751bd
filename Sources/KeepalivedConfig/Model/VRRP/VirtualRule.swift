/// One line of `virtual_rules` or `static_rules`, in `ip rule add` syntax:
/// `from X to Y table T priority P fwmark M[/MASK] iif IF oif IF ...`.
///
/// Like keepalived, a rule with an address that does not parse is skipped with a warning
/// (the shipped samples contain `to 192.168.100./24`).
public struct VirtualRule: Hashable, Sendable, Codable, ConfigRenderable {
    /// `from`: the source prefix; nil means all.
    public var from: IPPrefix?
    /// `to`: the destination prefix; nil means all.
    public var to: IPPrefix?
    /// `table` (also `lookup`): a number or a name from rt_tables.
    public var table: String?
    /// `priority` (also `preference`): keepalived picks one when missing, with a warning.
    public var priority: UInt32?
    /// `fwmark`: `MARK` or `MARK/MASK`.
    public var firewallMark: String?
    /// `iif`: the incoming interface.
    public var inputInterface: String?
    /// `oif`: the outgoing interface.
    public var outputInterface: String?
    /// `goto`: jump to the rule with this priority.
    public var gotoPriority: UInt32?
    /// `no_track`: a deleted rule does not take the instance out of MASTER.
    public var noTrack: Bool
    /// `track_group`: the static track group watching this static rule.
    public var trackGroup: String?
    /// `inet6`: force IPv6 for a rule that could be either family.
    public var forceIPv6: Bool
    /// Other `ip rule` options in the order written, e.g. `["tos", "22", "uidrange", "1-2"]`.
    public var additionalOptions: [String]
    public var origin: Origin

    /// The other `ip rule` options keepalived 2.2 reads, with how many values each takes.
    static let otherOptions: [String: Int] = [
        "tos": 1, "dsfield": 1, "realms": 1, "uidrange": 1, "protocol": 1, "sport": 1, "dport": 1,
        "ipproto": 1, "suppress_prefixlength": 1, "sup_pl": 1, "suppress_ifgroup": 1, "sup_group": 1,
        "nop": 0, "blackhole": 0, "prohibit": 0, "unreachable": 0, "l3mdev": 0, "not": 0,
    ]

    public init() {
        noTrack = false
        forceIPv6 = false
        additionalOptions = []
        origin = Origin()
    }

    init?(reading statement: Statement, _ diagnostics: inout Diagnostics) {
        self.init()
        origin = Origin(statement.location)
        var words = ([statement.keyword] + statement.arguments)[...]
        func value(_ option: Word, _ diagnostics: inout Diagnostics) -> Word? {
            guard let value = words.popFirst() else {
                diagnostics.error("'\(option.text)' in a rule expects a value", at: option.location)
                return nil
            }
            return value
        }
        func prefix(_ option: Word, _ diagnostics: inout Diagnostics) -> IPPrefix?? {
            guard let word = value(option, &diagnostics) else { return nil }
            if word.text == "all" { return .some(nil) }
            guard let prefix = IPPrefix(word.text) else {
                diagnostics.warning(
                    "invalid rule \(option.text) address '\(word.text)', rule skipped", at: word.location)
                return nil
            }
            return prefix
        }
        func number(_ option: Word, _ diagnostics: inout Diagnostics) -> UInt32? {
            guard let word = value(option, &diagnostics) else { return nil }
            guard let number = UInt32(word.text) else {
                diagnostics.error("'\(option.text)' expects a number, got '\(word.text)'", at: word.location)
                return nil
            }
            return number
        }
        while let word = words.popFirst() {
            switch word.text {
            case "from":
                guard let from = prefix(word, &diagnostics) else { return nil }
                self.from = from
            case "to":
                guard let to = prefix(word, &diagnostics) else { return nil }
                self.to = to
            case "table", "lookup":
                guard let table = value(word, &diagnostics) else { return nil }
                self.table = table.text
            case "priority", "preference":
                guard let priority = number(word, &diagnostics) else { return nil }
                self.priority = priority
            case "goto":
                guard let target = number(word, &diagnostics) else { return nil }
                gotoPriority = target
            case "fwmark":
                guard let mark = value(word, &diagnostics) else { return nil }
                firewallMark = mark.text
            case "iif", "dev":
                guard let name = value(word, &diagnostics) else { return nil }
                inputInterface = name.text
            case "oif":
                guard let name = value(word, &diagnostics) else { return nil }
                outputInterface = name.text
            case "track_group":
                guard let group = value(word, &diagnostics) else { return nil }
                trackGroup = group.text
            case "no_track": noTrack = true
            case "inet6": forceIPv6 = true
            default:
                guard let arity = Self.otherOptions[word.text] else {
                    diagnostics.error("unknown rule option '\(word.text)'", at: word.location)
                    return nil
                }
                additionalOptions.append(word.text)
                for _ in 0..<arity {
                    guard let value = value(word, &diagnostics) else { return nil }
                    additionalOptions.append(value.text)
                }
            }
        }
        if priority == nil {
            diagnostics.warning(
                "rule has no priority (preference) specified; keepalived picks one, probably not what you want",
                at: statement.location)
        }
    }

    public var words: [String] {
        var words: [String] = []
        func add(_ keyword: String, _ value: String?) {
            if let value { words += [keyword, value] }
        }
        add("from", from?.description)
        add("to", to?.description)
        add("table", table)
        add("priority", priority.map { String($0) })
        add("fwmark", firewallMark)
        add("iif", inputInterface)
        add("oif", outputInterface)
        add("goto", gotoPriority.map { String($0) })
        add("track_group", trackGroup)
        if noTrack { words.append("no_track") }
        if forceIPv6 { words.append("inet6") }
        return words + additionalOptions
    }

    public func render(into writer: inout ConfigWriter) {
        writer.line(words)
    }
}
