import Netlink

/// The tunnel a `TUN` destination is reached through (IP_VS_CONN_F_TUNNEL_TYPE_*).
public enum IPVSTunnel: Hashable, Sendable {
    case ipip
    case gue(port: UInt16, flags: IPVSTunnelFlags = [])
    case gre(flags: IPVSTunnelFlags = [])
}

/// `tunnel_flags`: checksum options of GUE and GRE encapsulation (IP_VS_TUNNEL_ENCAP_FLAG_*).
public struct IPVSTunnelFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let checksum = Self(rawValue: 1 << 0)
    public static let remoteChecksum = Self(rawValue: 1 << 1)
}

/// `lb_kind`: how packets reach a real server.
public enum IPVSForwarding: Hashable, Sendable {
    /// NAT ("Masq" in `ipvsadm -Ln`).
    case nat
    /// DR ("Route").
    case directRouting
    /// TUN ("Tunnel").
    case tunnel(IPVSTunnel)
    /// The director itself ("Local").
    case local
}

/// One real server of a virtual service (keepalived's `real_server`).
public struct IPVSDestination: Hashable, Sendable {
    public var address: IPAddress
    public var port: UInt16
    public var forwarding: IPVSForwarding
    /// 0 takes the server out of scheduling without breaking its connections.
    public var weight: Int32
    /// `uthreshold`: no new connections above this many (0 = no limit).
    public var upperThreshold: UInt32
    /// `lthreshold`: new connections again below this many.
    public var lowerThreshold: UInt32
    /// Counters read from the kernel; ignored when writing.
    public var activeConnections: UInt32 = 0
    public var inactiveConnections: UInt32 = 0
    public var persistentConnections: UInt32 = 0
    public var stats = IPVSStats()

    public init(
        _ address: IPAddress, port: UInt16, forwarding: IPVSForwarding = .nat, weight: Int32 = 1,
        upperThreshold: UInt32 = 0, lowerThreshold: UInt32 = 0
    ) {
        self.address = address
        self.port = port
        self.forwarding = forwarding
        self.weight = weight
        self.upperThreshold = upperThreshold
        self.lowerThreshold = lowerThreshold
    }
}

/// `lvs_timeouts`: IPVS connection timeouts in seconds; 0 when writing keeps the current value.
public struct IPVSTimeouts: Hashable, Sendable {
    public var tcp: UInt32
    public var tcpFin: UInt32
    public var udp: UInt32

    public init(tcp: UInt32 = 0, tcpFin: UInt32 = 0, udp: UInt32 = 0) {
        self.tcp = tcp
        self.tcpFin = tcpFin
        self.udp = udp
    }
}
