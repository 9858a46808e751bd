/// What a route does with a matching packet (RTN_*), as `ip route add TYPE` names it.
public enum RouteType: Hashable, Sendable {
    case unicast
    case local
    case broadcast
    case anycast
    case multicast
    case blackhole
    case unreachable
    case prohibit
    case `throw`
    case other(UInt8)

    public init(rawValue: UInt8) {
        switch rawValue {
        case 1: self = .unicast
        case 2: self = .local
        case 3: self = .broadcast
        case 4: self = .anycast
        case 5: self = .multicast
        case 6: self = .blackhole
        case 7: self = .unreachable
        case 8: self = .prohibit
        case 9: self = .throw
        default: self = .other(rawValue)
        }
    }

    public var rawValue: UInt8 {
        switch self {
        case .unicast: 1
        case .local: 2
        case .broadcast: 3
        case .anycast: 4
        case .multicast: 5
        case .blackhole: 6
        case .unreachable: 7
        case .prohibit: 8
        case .throw: 9
        case .other(let value): value
        }
    }
}

/// Who installed a route (RTPROT_*): `ip route ... proto NAME`.
public struct RouteProtocol: RawRepresentable, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let unspecified = RouteProtocol(rawValue: 0)
    public static let kernel = RouteProtocol(rawValue: 2)
    public static let boot = RouteProtocol(rawValue: 3)
    public static let `static` = RouteProtocol(rawValue: 4)
    /// RTPROT_KEEPALIVED, so `ip route show proto keepalived` finds our routes.
    public static let keepalived = RouteProtocol(rawValue: 18)
}

/// Well-known routing table numbers.
public enum RouteTable {
    public static let local: UInt32 = 255
    public static let main: UInt32 = 254
    public static let `default`: UInt32 = 253
}

/// A route, as `ip route add` takes it.
public struct Route: Hashable, Sendable {
    /// `IPPrefix.defaultRoute(family)` for `default`.
    public var destination: IPPrefix
    public var gateway: IPAddress?
    /// The output interface index (`dev`).
    public var interfaceIndex: Int?
    /// The preferred source address (`src`).
    public var source: IPAddress?
    public var metric: UInt32?
    public var table: UInt32
    /// Nil lets the kernel pick (link for a direct route, global through a gateway).
    public var scope: Scope?
    public var type: RouteType
    /// Defaults to `.keepalived`, as keepalived marks its routes; removal matches on it too.
    public var `protocol`: RouteProtocol

    public init(
        destination: IPPrefix, gateway: IPAddress? = nil, interfaceIndex: Int? = nil,
        source: IPAddress? = nil, metric: UInt32? = nil, table: UInt32 = RouteTable.main,
        scope: Scope? = nil, type: RouteType = .unicast, protocol: RouteProtocol = .keepalived
    ) {
        self.destination = destination
        self.gateway = gateway
        self.interfaceIndex = interfaceIndex
        self.source = source
        self.metric = metric
        self.table = table
        self.scope = scope
        self.type = type
        self.protocol = `protocol`
    }

    public var family: IPAddress.Family { destination.family }
}
