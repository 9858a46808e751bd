/// How far an address or route reaches, as `ip addr ... scope` names it.
public enum Scope: Hashable, Sendable {
    case global
    case site
    case link
    case host
    case nowhere
    /// A scope number with no name (from /etc/iproute2/rt_scopes).
    case other(UInt8)

    public init(rawValue: UInt8) {
        switch rawValue {
        case 0: self = .global
        case 200: self = .site
        case 253: self = .link
        case 254: self = .host
        case 255: self = .nowhere
        default: self = .other(rawValue)
        }
    }

    public var rawValue: UInt8 {
        switch self {
        case .global: 0
        case .site: 200
        case .link: 253
        case .host: 254
        case .nowhere: 255
        case .other(let value): value
        }
    }

    /// Parses keepalived's and iproute2's names (`global`/`universe`, `site`, `link`, `host`,
    /// `nowhere`) or a number.
    public init?(name: String) {
        switch name.lowercased() {
        case "global", "universe": self = .global
        case "site": self = .site
        case "link": self = .link
        case "host": self = .host
        case "nowhere": self = .nowhere
        default:
            guard let value = UInt8(name) else { return nil }
            self.init(rawValue: value)
        }
    }

    /// The name `ip` prints.
    public var name: String {
        switch self {
        case .global: "global"
        case .site: "site"
        case .link: "link"
        case .host: "host"
        case .nowhere: "nowhere"
        case .other(let value): String(value)
        }
    }
}
