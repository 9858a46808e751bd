/// A network interface as the kernel reports it.
public struct Link: Hashable, Sendable {
    public var index: Int
    public var name: String
    public var mac: MACAddress?
    /// Administratively up (`ip link set up`, IFF_UP).
    public var isUp: Bool
    /// Carrier present and up (IFF_RUNNING): what keepalived watches for interface faults.
    public var isRunning: Bool
    public var mtu: Int
    /// `macvlan`, `veth`, `dummy`, ...; nil for a physical device.
    public var kind: String?
    /// The lower device (IFLA_LINK), e.g. a macvlan's parent; nil when there is none.
    public var parentIndex: Int?
    /// A macvlan's mode; nil for other kinds (or a mode libnl does not name).
    public var macvlanMode: MacvlanMode?

    public init(
        index: Int, name: String, mac: MACAddress? = nil, isUp: Bool, isRunning: Bool, mtu: Int,
        kind: String? = nil, parentIndex: Int? = nil, macvlanMode: MacvlanMode? = nil
    ) {
        self.macvlanMode = macvlanMode
        self.index = index
        self.name = name
        self.mac = mac
        self.isUp = isUp
        self.isRunning = isRunning
        self.mtu = mtu
        self.kind = kind
        self.parentIndex = parentIndex
    }

    /// Up and running: the state keepalived treats as a working interface.
    public var isOperational: Bool { isUp && isRunning }
}

/// How a macvlan shares its parent (`ip link add ... type macvlan mode MODE`).
public enum MacvlanMode: String, Hashable, Sendable, CaseIterable {
    case `private`
    case vepa
    case bridge
    case passthru

    init?(rawMode: UInt32) {
        guard let mode = Self.allCases.first(where: { $0.rawMode == rawMode }) else { return nil }
        self = mode
    }

    var rawMode: UInt32 {
        switch self {
        case .private: 1
        case .vepa: 2
        case .bridge: 4
        case .passthru: 8
        }
    }
}
