/// The options every checker shares (MISC_CHECK only the timing ones): where to connect, where
/// from, and how often. Unset values fall back to the real server's, then the virtual server's.
public struct CheckerOptions: Hashable, Sendable, Codable {
    /// Address to connect to; the real server's address when unset.
    public var connectIP: IPAddress?
    /// Port to connect to; the real server's port when unset.
    public var connectPort: Int?
    /// Address to originate the connection from (`bindto`).
    public var bindTo: IPAddress?
    /// Source port to originate the connection from.
    public var bindPort: Int?
    /// Interface to use, needed when `bindto` is an IPv6 link-local address (`bind_if`).
    public var bindInterface: String?
    /// Firewall mark put on every checker packet.
    public var fwmark: Int?
    /// Start the check as failed, so the server must pass once before it is added.
    public var alpha: Bool?
    /// Connection timeout in seconds (keepalived's default is 5).
    public var connectTimeout: Double?
    /// Additional tries before a live server is declared failed (`retry`, historically `nb_get_retry`).
    public var retry: Int?
    /// Seconds between retries after a failure.
    public var delayBeforeRetry: Double?
    /// Maximum random delay before the first check; 0 disables it.
    public var warmup: Double?
    /// Seconds between checks.
    public var delayLoop: Double?
    /// Log every failure, not only the one that changes state.
    public var logAllFailures: Bool?

    public init() {}

    /// True when nothing is set: a checker with default connection settings.
    public var isEmpty: Bool { self == CheckerOptions() }

    /// These options with the connection ones they leave unset taken from `parent`: an SMTP_CHECK
    /// `host` block starts as a copy of its checker's connection options, as keepalived makes it.
    public func connection(inheriting parent: CheckerOptions) -> CheckerOptions {
        var options = self
        options.connectIP = connectIP ?? parent.connectIP
        options.connectPort = connectPort ?? parent.connectPort
        options.bindTo = bindTo ?? parent.bindTo
        options.bindPort = bindPort ?? parent.bindPort
        options.bindInterface = bindInterface ?? parent.bindInterface
        options.fwmark = fwmark ?? parent.fwmark
        options.connectTimeout = connectTimeout ?? parent.connectTimeout
        return options
    }

    /// Reads one of the shared options; false for any other keyword.
    mutating func read(_ statement: Statement, _ diagnostics: inout Diagnostics) -> Bool {
        switch statement.name {
        case "connect_ip": connectIP = statement.address(&diagnostics) ?? connectIP
        case "connect_port": connectPort = statement.integer(in: 1...65535, &diagnostics) ?? connectPort
        case "bindto": bindTo = statement.address(&diagnostics) ?? bindTo
        case "bind_port": bindPort = statement.integer(in: 1...65535, &diagnostics) ?? bindPort
        case "bind_if": bindInterface = statement.string(&diagnostics) ?? bindInterface
        case "fwmark": fwmark = statement.integer(in: 0...Int(UInt32.max), &diagnostics) ?? fwmark
        default: return readTiming(statement, &diagnostics)
        }
        return true
    }

    /// Reads the timing options, the only shared ones MISC_CHECK takes.
    mutating func readTiming(_ statement: Statement, _ diagnostics: inout Diagnostics) -> Bool {
        switch statement.name {
        case "alpha": alpha = statement.boolean(&diagnostics) ?? alpha
        case "connect_timeout": connectTimeout = statement.connectTimeout(&diagnostics) ?? connectTimeout
        case "retry": retry = statement.integer(in: 0...Int(UInt32.max), &diagnostics) ?? retry
        case "nb_get_retry":
            diagnostics.warning("'nb_get_retry' is deprecated, use 'retry'", at: statement.location)
            retry = statement.integer(in: 0...Int(UInt32.max), &diagnostics) ?? retry
        case "delay_before_retry": delayBeforeRetry = statement.timer(&diagnostics) ?? delayBeforeRetry
        case "warmup": warmup = statement.timer(&diagnostics) ?? warmup
        case "delay_loop": delayLoop = statement.delayLoop(&diagnostics) ?? delayLoop
        case "log_all_failures": logAllFailures = statement.boolean(&diagnostics) ?? logAllFailures
        default: return false
        }
        return true
    }

    func render(into writer: inout ConfigWriter) {
        writer.option("connect_ip", connectIP)
        writer.option("connect_port", connectPort)
        writer.option("bindto", bindTo)
        writer.option("bind_port", bindPort)
        writer.option("bind_if", bindInterface)
        writer.option("fwmark", fwmark)
        writer.boolean("alpha", alpha)
        writer.option("connect_timeout", connectTimeout)
        writer.option("retry", retry)
        writer.option("delay_before_retry", delayBeforeRetry)
        writer.option("warmup", warmup)
        writer.option("delay_loop", delayLoop)
        writer.boolean("log_all_failures", logAllFailures)
    }
}
