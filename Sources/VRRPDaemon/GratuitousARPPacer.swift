import VRRP
import VRRPSockets

/// `vrrp_garp_interval` and `vrrp_gna_interval`: gratuitous ARPs (and, apart from them,
/// unsolicited neighbour adverts) on one interface leave at least the interval apart, whichever
/// instance sends them, so a switch or a gateway that rate-limits them sees them all. One pacer
/// per interface, shared by the instances on it.
actor GratuitousARPPacer {
    private let clock = ContinuousClock()
    /// Per family: ARP for IPv4, neighbour adverts for IPv6 are paced separately.
    private var lastSent: [InetAddress.Family: ContinuousClock.Instant] = [:]

    /// Runs `send` once `interval` has passed since the previous send of `family` returned. The
    /// check and the send happen without a suspension in between, so no two sends come closer,
    /// whichever waiter wakes first.
    func send(interval: Duration, family: InetAddress.Family = .ipv4, _ send: @Sendable () throws -> Void) async throws
    {
        while let last = lastSent[family], clock.now < last + interval {
            try await Task.sleep(until: last + interval, clock: clock)
        }
        defer { lastSent[family] = clock.now }
        try send()
    }
}

extension GratuitousARPSender {
    /// `count` rounds of one gratuitous ARP per address. With a `garp_interval`, every frame
    /// waits for its slot on `pacer`; without one, a round goes out back to back.
    func announce(
        _ addresses: [InetAddress], count: Int, interval: Duration, pacer: GratuitousARPPacer
    ) async throws {
        guard interval > .zero else { return try await announce(addresses, count: count) }
        for _ in 0..<max(count, 0) {
            for address in addresses {
                try Task.checkCancellation()
                try await pacer.send(interval: interval) { try self.send([address]) }
            }
        }
    }
}

extension NeighbourAdvertSender {
    /// `count` rounds of one unsolicited neighbour advert per address, paced by
    /// `gna_interval` like gratuitous ARPs by `garp_interval`.
    func announce(
        _ addresses: [InetAddress], count: Int, interval: Duration, pacer: GratuitousARPPacer
    ) async throws {
        guard interval > .zero else { return try await announce(addresses, count: count) }
        for _ in 0..<max(count, 0) {
            for address in addresses {
                try Task.checkCancellation()
                try await pacer.send(interval: interval, family: .ipv6) { try self.send([address]) }
            }
        }
    }
}
