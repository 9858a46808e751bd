import KeepalivedConfig

#if canImport(Glibc)
    import Glibc
#endif

/// Where alerts go and how they are signed: keepalived's `global_defs` mail settings with its
/// defaults filled in. No settings (no recipients or no server) means no mail at all.
public struct SMTPAlertSettings: Sendable, Hashable {
    /// `smtp_server`: a host name or an address.
    public var host: String
    /// `smtp_server`'s port (default 25).
    public var port: Int
    /// `notification_email`: every recipient gets one RCPT TO.
    public var recipients: [String]
    /// `notification_email_from` (default `keepalived@<host name>`).
    public var from: String
    /// `smtp_helo_name` (default: the host name).
    public var heloName: String
    /// `router_id`: the bracketed name opening every subject (default: the host name).
    public var routerID: String
    /// `smtp_connect_timeout`: for connecting and for each reply after (default 30 s).
    public var timeout: Duration

    public init(
        host: String, port: Int = 25, recipients: [String], from: String, heloName: String, routerID: String,
        timeout: Duration = .seconds(30)
    ) {
        self.host = host
        self.port = port
        self.recipients = recipients
        self.from = from
        self.heloName = heloName
        self.routerID = routerID
        self.timeout = timeout
    }

    /// The settings `global_defs` gives, or nil when it names no SMTP server or no recipient
    /// (keepalived then sends nothing).
    public init?(_ global: GlobalDefinitions, hostName: String = SMTPAlertSettings.localHostName) {
        guard let server = global.smtpServer, !global.notificationEmails.isEmpty else { return nil }
        self.init(
            host: server.host, port: server.port ?? 25, recipients: global.notificationEmails,
            from: global.notificationEmailFrom ?? "keepalived@\(hostName)",
            heloName: global.smtpHeloName ?? hostName, routerID: global.routerID ?? hostName,
            timeout: .seconds(global.smtpConnectTimeout ?? 30))
    }

    /// `host:port` as keepalived logs it: `[127.0.0.1]:25`.
    public var serverDescription: String { "[\(host)]:\(port)" }

    /// This machine's name, keepalived's default for the router id, HELO and sender.
    public static var localHostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }
}

/// Which `smtp_alert` default applies: keepalived lets `smtp_alert_vrrp` and
/// `smtp_alert_checker` override the global `smtp_alert`, and an item's own setting both.
public enum SMTPAlertScope: Sendable {
    case vrrp
    case checker

    /// Whether an item (instance, sync group, virtual or real server) with `own` sends mail.
    public func isEnabled(_ own: Bool?, in global: GlobalDefinitions) -> Bool {
        if let own { return own }
        let scoped = self == .vrrp ? global.smtpAlertVRRP : global.smtpAlertChecker
        return scoped ?? global.smtpAlert ?? false
    }
}
