/// What a listener on one link learns about its virtual routers: every VRID heard, who
/// advertises it with what, and the clashes between them (`kactl scan`). Pure: adverts go in
/// with the time they arrived, so it is tested without sockets or clocks.
public struct VRIDSurvey: Sendable {
    /// One router advertising one VRID, as its latest advert describes it.
    public struct Sender: Hashable, Sendable {
        public var virtualRouterID: UInt8
        public var source: InetAddress
        public var version: VRRPAdvert.Version
        public var priority: UInt8
        public var advertIntervalCentiseconds: Int
        /// The virtual addresses of the latest advert, in packet order.
        public var addresses: [InetAddress]
        public var authType: VRRPAdvert.AuthType
        /// TTL of the latest advert: anything but 255 is dropped by every other router.
        public var ttl: UInt8
        public var advertCount: Int
        public var firstSeen: Duration
        public var lastSeen: Duration
        /// The periods this sender advertised with priority > 0 without a gap longer than a
        /// master down interval: the times it acted as master.
        public var masterPeriods: [ClosedRange<Duration>]
        /// Kept to compare with other senders' and never exposed: the scan must not leak it.
        var password: VRRPAdvert.Password?
        /// The latest advert had priority 0: the master resigned, its period is over.
        var hasResigned = false

        /// The addresses as a set: keepalived accepts them in any order.
        var addressSet: Set<InetAddress> { Set(addresses) }
    }

    /// Why the senders of one VRID cannot all be right.
    public enum Clash: Hashable, Sendable {
        /// The senders advertise different virtual address lists.
        case addressLists
        case versions
        case advertIntervals
        case authTypes
        /// `PASS` senders whose passwords differ (which ones is not said).
        case passwords
        /// Both advertised with priority > 0 at the same time for longer than an interval:
        /// split brain, or two clusters on one VRID.
        case twoMasters(InetAddress, InetAddress)
    }

    /// Everything heard for one VRID of one family: VRRP over IPv4 and over IPv6 are separate
    /// virtual routers even with the same VRID (keepalived runs both side by side).
    public struct VirtualRouter: Hashable, Sendable {
        public var virtualRouterID: UInt8
        public var family: InetAddress.Family
        /// Sorted by address.
        public var senders: [Sender]
        public var clashes: [Clash]
    }

    /// A master period ends after this many intervals without an advert (the master down
    /// interval is three intervals plus skew), plus `gapAllowance` for a busy receiver.
    static let missedIntervals = 3
    static let gapAllowance = Duration.milliseconds(250)

    private var senders: [SenderKey: Sender] = [:]
    /// Packets dropped before they were adverts, by `AdvertDropReason.name`.
    public private(set) var drops: [String: Int] = [:]

    private struct SenderKey: Hashable {
        var virtualRouterID: UInt8
        var source: InetAddress
    }

    /// One virtual router: a VRID within a family (the sender's address's).
    private struct RouterKey: Hashable {
        var virtualRouterID: UInt8
        var family: InetAddress.Family
    }

    public init() {}

    /// Adds one advert that arrived `elapsed` after the listening started.
    public mutating func record(_ received: ReceivedVRRPAdvert, at elapsed: Duration) {
        let advert = received.advert
        let key = SenderKey(virtualRouterID: advert.virtualRouterID, source: received.source)
        var sender =
            senders[key]
            ?? Sender(
                virtualRouterID: advert.virtualRouterID, source: received.source, version: advert.version,
                priority: advert.priority,
                advertIntervalCentiseconds: advert.advertIntervalCentiseconds, addresses: advert.addresses,
                authType: advert.authType, ttl: received.ttl, advertCount: 0, firstSeen: elapsed,
                lastSeen: elapsed, masterPeriods: [], password: advert.password)
        sender.version = advert.version
        sender.priority = advert.priority
        sender.advertIntervalCentiseconds = advert.advertIntervalCentiseconds
        sender.addresses = advert.addresses
        sender.authType = advert.authType
        sender.password = advert.password
        sender.ttl = received.ttl
        sender.advertCount += 1
        sender.lastSeen = max(sender.lastSeen, elapsed)
        if advert.priority > 0 {
            let periods = sender.hasResigned ? sender.masterPeriods + [elapsed...elapsed] : sender.masterPeriods
            sender.masterPeriods = Self.extend(
                periods, with: elapsed, interval: .milliseconds(10 * advert.advertIntervalCentiseconds))
        }
        sender.hasResigned = advert.priority == 0
        senders[key] = sender
    }

    /// Counts a packet the decoder refused. Packets that are not VRRP at all are not counted.
    public mutating func recordDrop(_ reason: AdvertDropReason) {
        switch reason {
        case .notIPv4, .wrongProtocol: return
        default: drops[reason.name, default: 0] += 1
        }
    }

    /// Every VRID heard, in VRID order (IPv4 before IPv6 for one VRID), with its clashes.
    public var virtualRouters: [VirtualRouter] {
        let routers = Dictionary(grouping: senders.values) {
            RouterKey(virtualRouterID: $0.virtualRouterID, family: $0.source.family)
        }
        return routers.map { key, senders in
            let sorted = senders.sorted { $0.source.precedes($1.source) }
            return VirtualRouter(
                virtualRouterID: key.virtualRouterID, family: key.family, senders: sorted,
                clashes: Self.clashes(among: sorted))
        }
        .sorted { ($0.virtualRouterID, $0.family.order) < ($1.virtualRouterID, $1.family.order) }
    }

    /// True when any VRID has a clash.
    public var hasClash: Bool { virtualRouters.contains { !$0.clashes.isEmpty } }

    static func extend(
        _ periods: [ClosedRange<Duration>], with time: Duration, interval: Duration
    ) -> [ClosedRange<Duration>] {
        var periods = periods
        let longestGap = interval * missedIntervals + gapAllowance
        if let last = periods.last, time >= last.lowerBound, time - last.upperBound <= longestGap {
            periods[periods.count - 1] = last.lowerBound...max(last.upperBound, time)
        } else {
            periods.append(time...time)
        }
        return periods
    }

    static func clashes(among senders: [Sender]) -> [Clash] {
        guard senders.count > 1 else { return [] }
        var clashes: [Clash] = []
        if Set(senders.map(\.addressSet)).count > 1 { clashes.append(.addressLists) }
        if Set(senders.map(\.version)).count > 1 { clashes.append(.versions) }
        if Set(senders.map(\.advertIntervalCentiseconds)).count > 1 { clashes.append(.advertIntervals) }
        if Set(senders.map(\.authType)).count > 1 { clashes.append(.authTypes) }
        if Set(senders.compactMap(\.password)).count > 1 { clashes.append(.passwords) }
        for (index, first) in senders.enumerated() {
            for second in senders[(index + 1)...] where bothMaster(first, second) {
                clashes.append(.twoMasters(first.source, second.source))
            }
        }
        return clashes
    }

    /// Two senders were masters together when some pair of their master periods overlaps for
    /// at least the longer of their intervals: a takeover overlaps by less than one interval.
    static func bothMaster(_ first: Sender, _ second: Sender) -> Bool {
        let interval = Duration.milliseconds(
            10 * max(first.advertIntervalCentiseconds, second.advertIntervalCentiseconds))
        for one in first.masterPeriods {
            for other in second.masterPeriods {
                let overlap = min(one.upperBound, other.upperBound) - max(one.lowerBound, other.lowerBound)
                if overlap >= interval, overlap > .zero { return true }
            }
        }
        return false
    }
}

extension InetAddress {
    /// Orders IPv4 before IPv6, then numerically.
    func precedes(_ other: InetAddress) -> Bool {
        switch (self, other) {
        case (.v4(let one), .v4(let two)): one < two
        case (.v4, .v6): true
        case (.v6, .v4): false
        case (.v6(let high, let low), .v6(let otherHigh, let otherLow)): (high, low) < (otherHigh, otherLow)
        }
    }
}

extension InetAddress.Family {
    /// IPv4 first, the way `ip addr` lists them.
    fileprivate var order: Int { self == .ipv4 ? 0 : 1 }
}
