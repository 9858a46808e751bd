import VRRP
import VRRPSockets

/// `vrrp_garp_interval`: gratuitous ARPs on one interface leave at least the interval apart,
/// whichever instance sends them, so a switch or a gateway that rate-limits ARP sees them all.
/// One pacer per interface, shared by the instances on it.
actor GratuitousARPPacer {
    private let clock = ContinuousClock()
    private var lastSent: ContinuousClock.Instant?

    /// Runs `send` once `interval` has passed since the previous send returned. The check and
    /// the send happen without a suspension in between, so no two sends come closer, whichever
    /// waiter wakes first.
    func send(interval: Duration, _ send: @Sendable () throws -> Void) async throws {
        while let lastSent, clock.now < lastSent + interval {
            try await Task.sleep(until: lastSent + interval, clock: clock)
        }
        defer { lastSent = clock.now }
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
