/// `HTTP_GET` and `SSL_GET`: fetch each `url` and compare its status code, MD5 digest or regex.
public struct HTTPCheck: Hashable, Sendable, Codable {
    /// The HTTP version sent: 1.0, 1.0 with `Connection: close` (1.0C), or 1.1.
    public enum ProtocolVersion: String, Hashable, Sendable, Codable, CaseIterable {
        case http10 = "1.0"
        case http10Close = "1.0C"
        case http11 = "1.1"
    }

    public var origin = Origin()
    public var options = CheckerOptions()
    /// The URLs to fetch; every one must pass.
    public var urls: [URLCheck] = []
    public var httpProtocol: ProtocolVersion?
    /// Host header; the real server's, then the virtual server's virtualhost when unset.
    public var virtualhost: String?
    /// Send the Server Name Indication during the TLS handshake (SSL_GET).
    public var enableSNI = false
    /// Check all URLs without a delay between them at startup and after a failure.
    public var fastRecovery: Bool?
    /// SSL_GET: end each connection with close_notify instead of just closing the socket
    /// (keepalived 2.2.8's `tls_compliant`; a url block can set it for itself).
    public var tlsCompliant = false

    public init() {}

    /// Reads the block; a checker without any url is an error (keepalived drops it).
    init(reading statement: Statement, _ diagnostics: inout Diagnostics) {
        var origin = Origin(statement.location)
        readBlock(statement.requireBlock(&diagnostics), of: statement.name, origin: &origin, &diagnostics) {
            s, d in
            switch s.name {
            case "url": if let url = URLCheck(reading: s, &d) { urls.append(url) }
            case "http_protocol": httpProtocol = s.choice(ProtocolVersion.self, &d) ?? httpProtocol
            case "virtualhost": virtualhost = s.string(&d) ?? virtualhost
            case "enable_sni": enableSNI = s.boolean(&d) ?? enableSNI
            case "fast_recovery": fastRecovery = s.boolean(&d) ?? fastRecovery
            case "tls_compliant": tlsCompliant = s.boolean(&d) ?? tlsCompliant
            default: return options.read(s, &d)
            }
            return true
        }
        self.origin = origin
        if urls.isEmpty {
            diagnostics.error("\(statement.name) needs at least one url block", at: statement.location)
        }
    }

    func render(_ keyword: String, into writer: inout ConfigWriter) {
        writer.block(keyword) { w in
            options.render(into: &w)
            w.option("http_protocol", httpProtocol?.rawValue)
            w.option("virtualhost", virtualhost)
            w.flag("enable_sni", enableSNI)
            w.boolean("fast_recovery", fastRecovery)
            w.flag("tls_compliant", tlsCompliant)
            urls.forEach { $0.render(into: &w) }
        }
    }
}

/// One `url { }` of an HTTP or SSL check.
public struct URLCheck: Hashable, Sendable, Codable {
    public var origin = Origin()
    public var path: String
    /// MD5 of the page body, as `genhash` prints it (32 hex digits, lower case).
    public var digest: String?
    /// Status codes and ranges accepted; empty means keepalived's default (see `acceptedStatusCodes`).
    public var statusCodes: [HTTPStatusRange] = []
    public var virtualhost: String?
    /// A PCRE2 pattern the body must match (or must not, with `regexNoMatch`); see `URLRegex`.
    public var regex: String?
    public var regexNoMatch = false
    public var regexOptions: [String] = []
    /// Start and maximum JIT stack sizes in bytes; PCRE2's JIT only, nothing to checkd's engine.
    public var regexStack: [Int] = []
    /// The byte offset in the body where the search for a match starts.
    public var regexMinOffset: Int?
    /// The last byte offset in the body where a match may start (it may end beyond).
    public var regexMaxOffset: Int?
    /// SSL_GET: this url's connection ends with close_notify (as the checker's `tls_compliant`).
    public var tlsCompliant = false

    public init(path: String) {
        self.path = path
    }

    /// The codes a reply may carry: those configured, else 200-299 unless a digest alone decides.
    public var acceptedStatusCodes: [HTTPStatusRange] {
        if !statusCodes.isEmpty { return statusCodes }
        return digest == nil ? [.success] : []
    }

    init?(reading statement: Statement, _ diagnostics: inout Diagnostics) {
        var origin = Origin(statement.location)
        var path: String?
        var url = URLCheck(path: "")
        readBlock(statement.requireBlock(&diagnostics), of: "url", origin: &origin, &diagnostics) { s, d in
            switch s.name {
            case "path": path = s.string(&d) ?? path
            case "digest":
                guard let word = s.argument(0, &d, expected: "an MD5 digest") else { break }
                let hex = word.text.lowercased()
                guard hex.count == 32, hex.allSatisfy(\.isHexDigit) else {
                    d.error("'digest' expects 32 hexadecimal digits, got '\(word.text)'", at: word.location)
                    break
                }
                url.digest = hex
            case "status_code":
                if s.arguments.isEmpty {
                    d.error("'status_code' expects a code or range such as 200-299", at: s.location)
                }
                for word in s.arguments {
                    if let range = Self.statusRange(word, &d) { url.statusCodes.append(range) }
                }
            case "virtualhost": url.virtualhost = s.string(&d) ?? url.virtualhost
            case "regex": url.regex = s.string(&d) ?? url.regex
            case "regex_no_match": url.regexNoMatch = s.boolean(&d) ?? url.regexNoMatch
            case "regex_options": url.regexOptions = Self.readRegexOptions(s, &d)
            case "regex_stack":
                url.regexStack = s.arguments.compactMap { $0.integer(in: 0...Int(Int32.max), for: s.name, &d) }
            case "regex_min_offset": url.regexMinOffset = s.integer(in: 0...Int(Int32.max), &d) ?? url.regexMinOffset
            case "regex_max_offset": url.regexMaxOffset = s.integer(in: 0...Int(Int32.max), &d) ?? url.regexMaxOffset
            case "tls_compliant": url.tlsCompliant = s.boolean(&d) ?? url.tlsCompliant
            default: return false
            }
            return true
        }
        guard let path else {
            diagnostics.error("url needs a 'path'", at: statement.location)
            return nil
        }
        url.path = path
        url.origin = origin
        url.validateRegex(&diagnostics)
        self = url
    }

    /// `200` or `200-299`, each an HTTP status code (100-599).
    static func statusRange(_ word: Word, _ diagnostics: inout Diagnostics) -> HTTPStatusRange? {
        let parts = word.text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        let codes = parts.compactMap { Int($0) }
        guard codes.count == parts.count, codes.allSatisfy({ (100...599).contains($0) }), codes.first! <= codes.last!
        else {
            diagnostics.error(
                "'status_code' expects an HTTP status code or range such as 200-299, got '\(word.text)'",
                at: word.location)
            return nil
        }
        return HTTPStatusRange(codes.first!, codes.last!)
    }

    func render(into writer: inout ConfigWriter) {
        writer.block("url") { w in
            w.line("path", path)
            w.option("digest", digest)
            if !statusCodes.isEmpty { w.line(["status_code"] + statusCodes.map(\.description)) }
            w.option("virtualhost", virtualhost)
            w.option("regex", regex)
            w.flag("regex_no_match", regexNoMatch)
            if !regexOptions.isEmpty { w.line(["regex_options"] + regexOptions) }
            if !regexStack.isEmpty { w.line(["regex_stack"] + regexStack.map(String.init)) }
            w.option("regex_min_offset", regexMinOffset)
            w.option("regex_max_offset", regexMaxOffset)
            w.flag("tls_compliant", tlsCompliant)
        }
    }
}
