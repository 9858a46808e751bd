/// What a matching rule does (FR_ACT_*).
public enum RuleAction: Hashable, Sendable {
    /// Look the packet up in `Rule.table`.
    case lookup
    /// Continue at the rule with this priority (`goto`).
    case goto(UInt32)
    case blackhole
    case unreachable
    case prohibit
    case other(UInt8)
}

/// A policy routing rule, as `ip rule add` takes it.
public struct Rule: Hashable, Sendable {
    public var family: IPAddress.Family
    public var from: IPPrefix?
    public var to: IPPrefix?
    public var table: UInt32
    /// Nil lets the kernel pick the next free priority.
    public var priority: UInt32?
    public var fwmark: UInt32?
    public var fwmask: UInt32?
    /// Incoming interface name (`iif`).
    public var inputInterface: String?
    /// Outgoing interface name (`oif`).
    public var outputInterface: String?
    public var action: RuleAction

    public init(
        family: IPAddress.Family, from: IPPrefix? = nil, to: IPPrefix? = nil,
        table: UInt32 = RouteTable.main, priority: UInt32? = nil, fwmark: UInt32? = nil,
        fwmask: UInt32? = nil, inputInterface: String? = nil, outputInterface: String? = nil,
        action: RuleAction = .lookup
    ) {
        self.family = family
        self.from = from
        self.to = to
        self.table = table
        self.priority = priority
        self.fwmark = fwmark
        self.fwmask = fwmask
        self.inputInterface = inputInterface
        self.outputInterface = outputInterface
        self.action = action
    }
}
