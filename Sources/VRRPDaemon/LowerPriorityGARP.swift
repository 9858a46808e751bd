import VRRP
import VRRPSockets

extension GratuitousARPSender {
    /// `garp_lower_prio_repeat` / `garp_lower_prio_delay`: a MASTER that heard a lower priority
    /// router re-announces its addresses, `count` rounds now and `count` more after `delay`
    /// (none when zero), paced like every gratuitous ARP on the interface.
    func reannounce(
        _ addresses: [InetAddress], count: Int, secondBurstAfter delay: Duration, interval: Duration,
        pacer: GratuitousARPPacer
    ) async throws {
        try await announce(addresses, count: count, interval: interval, pacer: pacer)
        guard delay > .zero else { return }
        try await Task.sleep(for: delay)
        try await announce(addresses, count: count, interval: interval, pacer: pacer)
    }
}

extension VRRPDuration {
    /// The same span as a standard library `Duration`.
    var duration: Duration { .milliseconds(centiseconds * 10) }
}
