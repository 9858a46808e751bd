/// One health checker of a real server. A real server may have several, of any types; it is up
/// only while all of them pass.
public enum HealthChecker: Hashable, Sendable {
    case httpGet(HTTPCheck)
    case sslGet(HTTPCheck)
    case tcp(ConnectCheck)
    case ping(ConnectCheck)
    case smtp(SMTPCheck)
    case misc(MiscCheck)
    case dns(DNSCheck)
    case udp(UDPCheck)
    case file(FileCheck)
    case bfd(BFDCheck)

    /// The checker keywords keepalived knows inside `real_server`.
    static let keywords: Set<String> = [
        "HTTP_GET", "SSL_GET", "TCP_CHECK", "PING_CHECK", "SMTP_CHECK", "MISC_CHECK", "DNS_CHECK", "UDP_CHECK",
        "FILE_CHECK", "BFD_CHECK",
    ]

    /// The block keyword: `HTTP_GET`, `TCP_CHECK`, ...
    public var keyword: String {
        switch self {
        case .httpGet: "HTTP_GET"
        case .sslGet: "SSL_GET"
        case .tcp: "TCP_CHECK"
        case .ping: "PING_CHECK"
        case .smtp: "SMTP_CHECK"
        case .misc: "MISC_CHECK"
        case .dns: "DNS_CHECK"
        case .udp: "UDP_CHECK"
        case .file: "FILE_CHECK"
        case .bfd: "BFD_CHECK"
        }
    }

    /// The shared options; nil for FILE_CHECK and BFD_CHECK, which have none.
    public var options: CheckerOptions? {
        switch self {
        case .httpGet(let check), .sslGet(let check): check.options
        case .tcp(let check), .ping(let check): check.options
        case .smtp(let check): check.options
        case .misc(let check): check.options
        case .dns(let check): check.options
        case .udp(let check): check.options
        case .file, .bfd: nil
        }
    }

    /// Reads a checker block; nil for a keyword that is not a checker or a block too broken to use.
    init?(reading statement: Statement, _ diagnostics: inout Diagnostics) {
        switch statement.name {
        case "HTTP_GET": self = .httpGet(HTTPCheck(reading: statement, &diagnostics))
        case "SSL_GET": self = .sslGet(HTTPCheck(reading: statement, &diagnostics))
        case "TCP_CHECK": self = .tcp(ConnectCheck(reading: statement, &diagnostics))
        case "PING_CHECK": self = .ping(ConnectCheck(reading: statement, &diagnostics))
        case "SMTP_CHECK": self = .smtp(SMTPCheck(reading: statement, &diagnostics))
        case "MISC_CHECK":
            guard let check = MiscCheck(reading: statement, &diagnostics) else { return nil }
            self = .misc(check)
        case "DNS_CHECK": self = .dns(DNSCheck(reading: statement, &diagnostics))
        case "UDP_CHECK": self = .udp(UDPCheck(reading: statement, &diagnostics))
        case "FILE_CHECK":
            guard let check = FileCheck(reading: statement, &diagnostics) else { return nil }
            self = .file(check)
        case "BFD_CHECK":
            guard let check = BFDCheck(reading: statement, &diagnostics) else { return nil }
            self = .bfd(check)
        default: return nil
        }
    }
}

extension HealthChecker: ConfigRenderable {
    public func render(into writer: inout ConfigWriter) {
        switch self {
        case .httpGet(let check), .sslGet(let check): check.render(keyword, into: &writer)
        case .tcp(let check), .ping(let check): check.render(keyword, into: &writer)
        case .smtp(let check): check.render(into: &writer)
        case .misc(let check): check.render(into: &writer)
        case .dns(let check): check.render(into: &writer)
        case .udp(let check): check.render(into: &writer)
        case .file(let check): check.render(into: &writer)
        case .bfd(let check): check.render(into: &writer)
        }
    }
}

/// JSON: one key naming the checker type, holding its settings, e.g. `{"tcpCheck": {...}}`.
extension HealthChecker: Codable {
    enum CodingKeys: String, CodingKey {
        case httpGet, sslGet, tcpCheck, pingCheck, smtpCheck, miscCheck, dnsCheck, udpCheck, fileCheck, bfdCheck
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let key = container.allKeys.first, container.allKeys.count == 1 else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "a checker has exactly one type key"))
        }
        switch key {
        case .httpGet: self = .httpGet(try container.decode(HTTPCheck.self, forKey: key))
        case .sslGet: self = .sslGet(try container.decode(HTTPCheck.self, forKey: key))
        case .tcpCheck: self = .tcp(try container.decode(ConnectCheck.self, forKey: key))
        case .pingCheck: self = .ping(try container.decode(ConnectCheck.self, forKey: key))
        case .smtpCheck: self = .smtp(try container.decode(SMTPCheck.self, forKey: key))
        case .miscCheck: self = .misc(try container.decode(MiscCheck.self, forKey: key))
        case .dnsCheck: self = .dns(try container.decode(DNSCheck.self, forKey: key))
        case .udpCheck: self = .udp(try container.decode(UDPCheck.self, forKey: key))
        case .fileCheck: self = .file(try container.decode(FileCheck.self, forKey: key))
        case .bfdCheck: self = .bfd(try container.decode(BFDCheck.self, forKey: key))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .httpGet(let check): try container.encode(check, forKey: .httpGet)
        case .sslGet(let check): try container.encode(check, forKey: .sslGet)
        case .tcp(let check): try container.encode(check, forKey: .tcpCheck)
        case .ping(let check): try container.encode(check, forKey: .pingCheck)
        case .smtp(let check): try container.encode(check, forKey: .smtpCheck)
        case .misc(let check): try container.encode(check, forKey: .miscCheck)
        case .dns(let check): try container.encode(check, forKey: .dnsCheck)
        case .udp(let check): try container.encode(check, forKey: .udpCheck)
        case .file(let check): try container.encode(check, forKey: .fileCheck)
        case .bfd(let check): try container.encode(check, forKey: .bfdCheck)
        }
    }
}
