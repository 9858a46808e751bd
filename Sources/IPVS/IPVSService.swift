import Netlink

/// The transport protocol of an address:port virtual service.
public enum IPVSProtocol: String, Hashable, Sendable, CaseIterable {
    case tcp, udp, sctp

    /// The IP protocol number (IPPROTO_*).
    public var number: UInt16 {
        switch self {
        case .tcp: 6
        case .udp: 17
        case .sctp: 132
        }
    }

    public init?(number: UInt16) {
        guard let found = Self.allCases.first(where: { $0.number == number }) else { return nil }
        self = found
    }
}

/// Service flags as `ipvsadm` and keepalived name them (IP_VS_SVC_F_*). The scheduler flags mean
/// what the scheduler makes of them: for `sh`, flag 1 is `sh-fallback` and flag 2 `sh-port`;
/// for `mh`, `mh-fallback` and `mh-port`.
public struct IPVSServiceFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Set by the kernel whenever persistence is on; use `IPVSService.persistence` instead.
    public static let persistent = Self(rawValue: 0x0001)
    /// Set by the kernel for every hashed (live) service; ignored when writing.
    public static let hashed = Self(rawValue: 0x0002)
    /// `ops`: schedule each UDP datagram on its own (one-packet scheduling).
    public static let onePacket = Self(rawValue: 0x0004)
    public static let schedulerFlag1 = Self(rawValue: 0x0008)
    public static let schedulerFlag2 = Self(rawValue: 0x0010)
    public static let schedulerFlag3 = Self(rawValue: 0x0020)

    public static let shFallback = schedulerFlag1
    public static let shPort = schedulerFlag2
    public static let mhFallback = schedulerFlag1
    public static let mhPort = schedulerFlag2
}

/// `persistence_timeout` and `persistence_granularity`: clients from the same network (of
/// `prefixLength` bits) stick to one real server for `timeout` seconds.
public struct IPVSPersistence: Hashable, Sendable {
    public var timeout: UInt32
    public var prefixLength: Int

    public init(timeout: UInt32, prefixLength: Int) {
        self.timeout = timeout
        self.prefixLength = prefixLength
    }
}

/// Traffic and rate counters, as `ipvsadm -Ln --stats` / `--rate` show them.
public struct IPVSStats: Hashable, Sendable {
    public var connections: UInt64 = 0
    public var incomingPackets: UInt64 = 0
    public var outgoingPackets: UInt64 = 0
    public var incomingBytes: UInt64 = 0
    public var outgoingBytes: UInt64 = 0
    public var connectionsPerSecond: UInt64 = 0
    public var incomingPacketsPerSecond: UInt64 = 0
    public var outgoingPacketsPerSecond: UInt64 = 0
    public var incomingBytesPerSecond: UInt64 = 0
    public var outgoingBytesPerSecond: UInt64 = 0

    public init() {}
}

/// One virtual service of the kernel's IPVS table (keepalived's `virtual_server`).
public struct IPVSService: Hashable, Sendable {
    /// What the kernel identifies a service by.
    public enum Key: Hashable, Sendable, CustomStringConvertible {
        case address(IPVSProtocol, IPAddress, port: UInt16)
        case firewallMark(UInt32, family: IPAddress.Family)

        public var family: IPAddress.Family {
            switch self {
            case .address(_, let address, _): address.family
            case .firewallMark(_, let family): family
            }
        }

        /// The way `ipvsadm -Ln` writes it: `TCP  10.0.0.1:80`, `TCP  [2001:db8::1]:80`, `FWM  7`.
        public var description: String {
            switch self {
            case .address(let proto, let address, let port):
                let host = address.family == .ipv6 ? "[\(address)]" : "\(address)"
                return "\(proto.rawValue.uppercased())  \(host):\(port)"
            case .firewallMark(let mark, let family):
                return family == .ipv6 ? "FWM  \(mark) IPv6" : "FWM  \(mark)"
            }
        }
    }

    public var key: Key
    /// `lb_algo`: rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, mh, fo, ovf, twos.
    public var scheduler: String
    /// Flags besides persistence (`ops`, scheduler flags). `persistent`/`hashed` are read-only.
    public var flags: IPVSServiceFlags
    public var persistence: IPVSPersistence?
    /// `persistence_engine`, e.g. "sip".
    public var persistenceEngine: String?
    /// Counters read from the kernel; ignored when writing.
    public var stats: IPVSStats

    public init(
        _ key: Key, scheduler: String = "wlc", flags: IPVSServiceFlags = [], persistence: IPVSPersistence? = nil,
        persistenceEngine: String? = nil
    ) {
        self.key = key
        self.scheduler = scheduler
        self.flags = flags
        self.persistence = persistence
        self.persistenceEngine = persistenceEngine
        self.stats = IPVSStats()
    }
}
