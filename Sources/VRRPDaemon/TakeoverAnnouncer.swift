import VRRP
import VRRPSockets

/// What a new MASTER tells the LAN about its VIPs, on keepalived's schedule: gratuitous ARP for
/// IPv4 and unsolicited neighbour adverts for IPv6, `garp_master_repeat` of each now, the same
/// again after `garp_master_delay`, then `garp_master_refresh_repeat` every
/// `garp_master_refresh` seconds (keepalived applies the garp_* settings to both).
struct TakeoverAnnouncer: Sendable {
    let arp: GratuitousARPSender
    let neighbourAdverts: NeighbourAdvertSender
    let pacer: GratuitousARPPacer
    let settings: InstanceSettings
    let ipv4: [InetAddress]
    let ipv6: [InetAddress]

    init(
        arp: GratuitousARPSender, neighbourAdverts: NeighbourAdvertSender, pacer: GratuitousARPPacer,
        settings: InstanceSettings, addresses: [InetAddress]
    ) {
        self.arp = arp
        self.neighbourAdverts = neighbourAdverts
        self.pacer = pacer
        self.settings = settings
        ipv4 = addresses.filter { $0.family == .ipv4 }
        ipv6 = addresses.filter { $0.family == .ipv6 }
    }

    /// Runs the whole schedule; ends when cancelled (the VIPs went) or on the first failure.
    func run() async throws {
        let burst = max(settings.garpMasterRepeat, 1)
        try await send(count: burst)
        if settings.garpMasterDelay > 0 {
            try await Task.sleep(for: .seconds(settings.garpMasterDelay))
            try await send(count: burst)
        }
        while settings.garpMasterRefresh > 0 {
            try await Task.sleep(for: .seconds(settings.garpMasterRefresh))
            try await send(count: max(settings.garpMasterRefreshRepeat, 1))
        }
    }

    /// One burst: `count` ARPs per IPv4 address, then `count` adverts per IPv6 address.
    private func send(count: Int) async throws {
        if !ipv4.isEmpty {
            try await arp.announce(ipv4, count: count, interval: settings.garpInterval, pacer: pacer)
        }
        if !ipv6.isEmpty {
            try await neighbourAdverts.announce(ipv6, count: count, interval: settings.gnaInterval, pacer: pacer)
        }
    }
}
