/// `TCP_CHECK`: a TCP connect to the server. `PING_CHECK`: an ICMP echo. Both take only the
/// shared checker options.
public struct ConnectCheck: Hashable, Sendable, Codable {
    public var origin = Origin()
    public var options = CheckerOptions()

    public init(options: CheckerOptions = CheckerOptions()) {
        self.options = options
    }

    init(reading statement: Statement, _ diagnostics: inout Diagnostics) {
        var origin = Origin(statement.location)
        readBlock(statement.block ?? [], of: statement.name, origin: &origin, &diagnostics) { s, d in
            options.read(s, &d)
        }
        self.origin = origin
    }

    func render(_ keyword: String, into writer: inout ConfigWriter) {
        writer.block(keyword) { w in options.render(into: &w) }
    }
}

/// `SMTP_CHECK`: the HELO dialogue with a mail server, optionally on several `host` addresses.
public struct SMTPCheck: Hashable, Sendable, Codable {
    public var origin = Origin()
    public var options = CheckerOptions()
    /// The name sent with HELO; keepalived sends its own host name when unset.
    public var heloName: String?
    /// Additional addresses to check, each `host { connect_ip ... }` block.
    public var hosts: [CheckerOptions] = []

    public init() {}

    init(reading statement: Statement, _ diagnostics: inout Diagnostics) {
        var origin = Origin(statement.location)
        readBlock(statement.requireBlock(&diagnostics), of: "SMTP_CHECK", origin: &origin, &diagnostics) { s, d in
            switch s.name {
            case "helo_name": heloName = s.string(&d) ?? heloName
            case "host":
                var host = CheckerOptions()
                var hostOrigin = Origin(s.location)
                readBlock(s.requireBlock(&d), of: "host", origin: &hostOrigin, &d) { h, hd in host.read(h, &hd) }
                hosts.append(host)
            default: return options.read(s, &d)
            }
            return true
        }
        self.origin = origin
    }

    func render(into writer: inout ConfigWriter) {
        writer.block("SMTP_CHECK") { w in
            options.render(into: &w)
            w.option("helo_name", heloName)
            for host in hosts {
                w.block("host") { hw in host.render(into: &hw) }
            }
        }
    }
}

/// `MISC_CHECK`: run a program; exit status 0 is success, and with `misc_dynamic` statuses
/// 2-255 set the weight.
public struct MiscCheck: Hashable, Sendable, Codable {
    public var origin = Origin()
    /// Only the timing options (alpha onwards) apply to MISC_CHECK.
    public var options = CheckerOptions()
    /// The command line (`misc_path`), quoted when it has arguments.
    public var path: String
    /// Seconds before the program is killed; keepalived uses delay_loop when unset.
    public var timeout: Double?
    /// Use the exit status to adjust the real server's weight.
    public var dynamic = false
    /// The user (and group) to run the program as (`user USERNAME [GROUPNAME]`).
    public var runAs: ScriptUser?

    public init(path: String) {
        self.path = path
    }

    init?(reading statement: Statement, _ diagnostics: inout Diagnostics) {
        var origin = Origin(statement.location)
        var check = MiscCheck(path: "")
        var path: String?
        readBlock(statement.requireBlock(&diagnostics), of: "MISC_CHECK", origin: &origin, &diagnostics) { s, d in
            switch s.name {
            case "misc_path": path = s.string(&d) ?? path
            case "misc_timeout": check.timeout = s.timer(&d) ?? check.timeout
            case "misc_dynamic": check.dynamic = s.boolean(&d) ?? check.dynamic
            case "user":
                if s.arguments.isEmpty { d.error("'user' expects a user name and an optional group", at: s.location) }
                check.runAs = ScriptUser(s.arguments[...], for: s.name, &d) ?? check.runAs
            default: return check.options.readTiming(s, &d)
            }
            return true
        }
        guard let path else {
            diagnostics.error("MISC_CHECK needs a 'misc_path'", at: statement.location)
            return nil
        }
        check.path = path
        check.origin = origin
        self = check
    }

    func render(into writer: inout ConfigWriter) {
        writer.block("MISC_CHECK") { w in
            w.line("misc_path", path)
            w.option("misc_timeout", timeout)
            w.flag("misc_dynamic", dynamic)
            if let runAs { w.line(["user"] + runAs.words) }
            options.render(into: &w)
        }
    }
}

/// `DNS_CHECK`: a query over UDP that must get an answer. keepalived's retry default here is 3.
public struct DNSCheck: Hashable, Sendable, Codable {
    public enum QueryType: String, Hashable, Sendable, Codable, CaseIterable {
        case a = "A", ns = "NS", cname = "CNAME", soa = "SOA", mx = "MX", txt = "TXT", aaaa = "AAAA"
        case rrsig = "RRSIG", dnskey = "DNSKEY"
    }

    public var origin = Origin()
    public var options = CheckerOptions()
    /// The query type, SOA when unset.
    public var type: QueryType = .soa
    /// The name queried, `.` when unset.
    public var name = "."

    public init() {}

    init(reading statement: Statement, _ diagnostics: inout Diagnostics) {
        var origin = Origin(statement.location)
        readBlock(statement.requireBlock(&diagnostics), of: "DNS_CHECK", origin: &origin, &diagnostics) { s, d in
            switch s.name {
            case "type":
                if let word = s.argument(0, &d, expected: "a query type") {
                    if let value = QueryType(rawValue: word.text.uppercased()) {
                        type = value
                    } else {
                        d.error(
                            "'type' expects a DNS query type such as A or SOA, got '\(word.text)'", at: word.location)
                    }
                }
            case "name": name = s.string(&d) ?? name
            default: return options.read(s, &d)
            }
            return true
        }
        self.origin = origin
    }

    func render(into writer: inout ConfigWriter) {
        writer.block("DNS_CHECK") { w in
            options.render(into: &w)
            w.line("type", type.rawValue)
            w.line("name", name)
        }
    }
}

/// `FILE_CHECK`: the state of a `track_file`; a non-zero value times `weight` adjusts the server.
public struct FileCheck: Hashable, Sendable, Codable {
    public var origin = Origin()
    /// The name of the track_file block to follow.
    public var trackFile: String
    /// Multiplier for the value read from the file.
    public var weight: Int?
    /// Negate the value read from the file.
    public var reverse = false
    /// Add the weighted value to the real server's weight rather than only failing on non-zero.
    public var dynamic = false

    public init(trackFile: String) {
        self.trackFile = trackFile
    }

    init?(reading statement: Statement, _ diagnostics: inout Diagnostics) {
        var origin = Origin(statement.location)
        var check = FileCheck(trackFile: "")
        var name: String?
        readBlock(statement.requireBlock(&diagnostics), of: "FILE_CHECK", origin: &origin, &diagnostics) { s, d in
            switch s.name {
            case "track_file": name = s.string(&d) ?? name
            case "dynamic": check.dynamic = s.boolean(&d) ?? check.dynamic
            case "weight":
                check.weight = s.integer(in: -Int(Int32.max)...Int(Int32.max), &d) ?? check.weight
                if s.arguments.count > 1 {
                    let word = s.arguments[1]
                    switch word.text {
                    case "reverse": check.reverse = true
                    case "noreverse": check.reverse = false
                    default:
                        d.error("'weight' expects 'reverse' after the number, got '\(word.text)'", at: word.location)
                    }
                }
            default: return false
            }
            return true
        }
        guard let name else {
            diagnostics.error("FILE_CHECK needs a 'track_file'", at: statement.location)
            return nil
        }
        check.trackFile = name
        check.origin = origin
        self = check
    }

    func render(into writer: inout ConfigWriter) {
        writer.block("FILE_CHECK") { w in
            w.line("track_file", trackFile)
            if let weight { w.line(["weight", String(weight)] + (reverse ? ["reverse"] : [])) }
            w.flag("dynamic", dynamic)
        }
    }
}

/// `BFD_CHECK`: follows the state of a named `bfd_instance`.
public struct BFDCheck: Hashable, Sendable, Codable {
    public var origin = Origin()
    public var name: String

    public init(name: String) {
        self.name = name
    }

    init?(reading statement: Statement, _ diagnostics: inout Diagnostics) {
        var origin = Origin(statement.location)
        var name: String?
        readBlock(statement.requireBlock(&diagnostics), of: "BFD_CHECK", origin: &origin, &diagnostics) { s, d in
            guard s.name == "name" else { return false }
            name = s.string(&d) ?? name
            return true
        }
        guard let name else {
            diagnostics.error("BFD_CHECK needs a 'name'", at: statement.location)
            return nil
        }
        self.name = name
        self.origin = origin
    }

    func render(into writer: inout ConfigWriter) {
        writer.block("BFD_CHECK") { w in w.line("name", name) }
    }
}
