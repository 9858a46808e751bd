/// The top-level `SSL` block: the client certificate every SSL_GET presents (for servers that
/// ask for one), the password of its key, and a CA file. keepalived loads the CA but never
/// turns verification on, so neither does checkd.
public struct SSLClient: Hashable, Sendable, Codable {
    public var origin = Origin()
    /// Decrypts `keyFile` when it is encrypted.
    public var password: String?
    public var caFile: String?
    /// PEM certificate chain, the client's certificate first.
    public var certificateFile: String?
    public var keyFile: String?

    public init() {}

    init(reading statement: Statement, _ diagnostics: inout Diagnostics) {
        var origin = Origin(statement.location)
        readBlock(statement.requireBlock(&diagnostics), of: "SSL", origin: &origin, &diagnostics) { s, d in
            switch s.name {
            case "password": password = s.string(&d) ?? password
            case "ca": caFile = s.string(&d) ?? caFile
            case "certificate": certificateFile = s.string(&d) ?? certificateFile
            case "key": keyFile = s.string(&d) ?? keyFile
            default: return false
            }
            return true
        }
        self.origin = origin
    }

    func render(into writer: inout ConfigWriter) {
        writer.block("SSL") { w in
            w.option("password", password)
            w.option("ca", caFile)
            w.option("certificate", certificateFile)
            w.option("key", keyFile)
        }
    }
}
