/// Address flags (IFA_F_*) that keepalived sets or reads.
public struct AddressFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let secondary = AddressFlags(rawValue: 0x01)
    /// No duplicate address detection: what keepalived uses for IPv6 VIPs (`no_dad`).
    public static let noDAD = AddressFlags(rawValue: 0x02)
    public static let homeAddress = AddressFlags(rawValue: 0x10)
    public static let deprecated = AddressFlags(rawValue: 0x20)
    public static let tentative = AddressFlags(rawValue: 0x40)
    public static let permanent = AddressFlags(rawValue: 0x80)
    /// Add no prefix route for the address's network (`noprefixroute`).
    public static let noPrefixRoute = AddressFlags(rawValue: 0x200)
}

/// An address on an interface: what `ip addr add` takes and `ip addr show` prints.
public struct InterfaceAddress: Hashable, Sendable {
    public var address: IPAddress
    public var prefixLength: Int
    /// The interface index (see `RouteNetlink.link(named:)` to resolve a name).
    public var interfaceIndex: Int
    /// IPv4 only; nil leaves none.
    public var broadcast: IPAddress?
    /// The other end of a point-to-point address (`peer`); nil for none.
    public var peer: IPAddress?
    public var scope: Scope
    /// IPv4 only: `eth0:vip`; must start with the interface name, at most 15 bytes.
    public var label: String?
    public var flags: AddressFlags

    public init(
        address: IPAddress, prefixLength: Int, interfaceIndex: Int, broadcast: IPAddress? = nil,
        peer: IPAddress? = nil, scope: Scope = .global, label: String? = nil, flags: AddressFlags = []
    ) {
        self.address = address
        self.prefixLength = prefixLength
        self.interfaceIndex = interfaceIndex
        self.broadcast = broadcast
        self.peer = peer
        self.scope = scope
        self.label = label
        self.flags = flags
    }

    public var family: IPAddress.Family { address.family }
}
