/// The IPVS scheduler of a virtual server (`lvs_sched`, historically `lb_algo`), in ipvsadm's
/// names. keepalived uses `wlc` when none is set.
public enum LVSScheduler: String, Hashable, Sendable, Codable, CaseIterable {
    case rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, mh, fo, ovf, twos
}

/// The layer 4 protocol of a virtual service (`protocol TCP|UDP|SCTP`).
public enum LVSProtocol: String, Hashable, Sendable, Codable, CaseIterable {
    case tcp = "TCP"
    case udp = "UDP"
    case sctp = "SCTP"
}

/// The scheduler flags ipvsadm sets with `-b`. `sh-fallback` and `mh-fallback` are `flag-1`,
/// `sh-port` and `mh-port` are `flag-2`: the kernel knows only the three numbered flags.
public struct SchedulerFlags: Hashable, Sendable, Codable {
    public var flag1 = false
    public var flag2 = false
    public var flag3 = false

    public init(flag1: Bool = false, flag2: Bool = false, flag3: Bool = false) {
        self.flag1 = flag1
        self.flag2 = flag2
        self.flag3 = flag3
    }

    /// The scheduler an `sh-*` or `mh-*` spelling belongs to; keepalived ignores the flag unless
    /// that scheduler was already set above it.
    static func requiredScheduler(for keyword: String) -> LVSScheduler? {
        switch keyword {
        case "sh-port", "sh-fallback": .sh
        case "mh-port", "mh-fallback": .mh
        default: nil
        }
    }

    /// Reads one of the flag keywords; false when `keyword` is not a scheduler flag.
    mutating func read(_ keyword: String) -> Bool {
        switch keyword {
        case "flag-1", "sh-fallback", "mh-fallback": flag1 = true
        case "flag-2", "sh-port", "mh-port": flag2 = true
        case "flag-3": flag3 = true
        default: return false
        }
        return true
    }

    func render(into writer: inout ConfigWriter) {
        writer.flag("flag-1", flag1)
        writer.flag("flag-2", flag2)
        writer.flag("flag-3", flag3)
    }
}

/// How IPVS forwards packets to a real server (`lvs_method`, historically `lb_kind`):
/// masquerading (NAT), direct routing (DR) or tunnelling (TUN, with a tunnel type).
public struct ForwardingMethod: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable {
        case nat = "NAT"
        case dr = "DR"
        case tun = "TUN"
    }

    /// The encapsulation of a TUN method: ipip (the default), GUE (needs a UDP port) or GRE.
    public enum TunnelType: String, Hashable, Sendable, Codable {
        case ipip, gue, gre
    }

    /// Tunnel checksum option; ipip takes none and GRE no `remcsum`.
    public enum TunnelChecksum: String, Hashable, Sendable, Codable {
        case nocsum, csum, remcsum
    }

    public var kind: Kind
    /// Set only for TUN when written; nil means ipip.
    public var tunnelType: TunnelType?
    /// The UDP port of a GUE tunnel.
    public var tunnelPort: Int?
    public var tunnelChecksum: TunnelChecksum?

    public init(
        _ kind: Kind, tunnelType: TunnelType? = nil, tunnelPort: Int? = nil, tunnelChecksum: TunnelChecksum? = nil
    ) {
        self.kind = kind
        self.tunnelType = tunnelType
        self.tunnelPort = tunnelPort
        self.tunnelChecksum = tunnelChecksum
    }

    public static let nat = ForwardingMethod(.nat)
    public static let dr = ForwardingMethod(.dr)
    public static let tun = ForwardingMethod(.tun)

    /// The words after the keyword: `NAT`, `DR`, or `TUN [type ipip|gue port N|gre] [csum...]`.
    var words: [String] {
        var words = [kind.rawValue]
        if let tunnelType {
            words += ["type", tunnelType.rawValue]
            if let tunnelPort { words += ["port", String(tunnelPort)] }
        }
        if let tunnelChecksum { words.append(tunnelChecksum.rawValue) }
        return words
    }
}

/// An HTTP status code or range of codes a `url` accepts, as in `status_code 200-299 503`.
public struct HTTPStatusRange: Hashable, Sendable, Codable, CustomStringConvertible {
    public var first: Int
    public var last: Int

    public init(_ first: Int, _ last: Int? = nil) {
        self.first = first
        self.last = last ?? first
    }

    public func contains(_ code: Int) -> Bool { (first...last).contains(code) }

    public var description: String { first == last ? String(first) : "\(first)-\(last)" }

    /// keepalived's default when a url sets neither digest nor status_code: any 2xx.
    public static let success = HTTPStatusRange(200, 299)
}
