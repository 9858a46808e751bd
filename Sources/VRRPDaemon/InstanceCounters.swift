import VRRP

/// An instance's packet counters, as the root object's `Stats` property shows them:
/// `adverts_sent`, `adverts_received` (valid adverts) and one counter per drop reason name.
public struct InstanceCounters: Sendable, Hashable {
    public private(set) var values: [String: UInt64] = ["adverts_sent": 0, "adverts_received": 0]

    public init() {}

    mutating func sent() { values["adverts_sent", default: 0] += 1 }
    mutating func received() { values["adverts_received", default: 0] += 1 }
    mutating func dropped(_ reason: AdvertDropReason) { values[reason.name, default: 0] += 1 }
    /// A counter kept elsewhere (the socket's), shown beside these once it is non-zero.
    mutating func set(_ name: String, _ value: UInt64) { if value > 0 { values[name] = value } }

    public subscript(name: String) -> UInt64 { values[name] ?? 0 }
}

/// Lets a log line through at most once per `interval` per key, so a flood of bad packets or
/// a misconfigured neighbour cannot flood the journal.
struct LogLimiter: Sendable {
    var interval: Duration = .seconds(60)
    private var lastLogged: [String: ContinuousClock.Instant] = [:]

    init(interval: Duration = .seconds(60)) {
        self.interval = interval
    }

    /// True when a line with this key may be logged now (and records that it was).
    mutating func allows(_ key: String, now: ContinuousClock.Instant) -> Bool {
        if let last = lastLogged[key], now - last < interval { return false }
        lastLogged[key] = now
        return true
    }
}
