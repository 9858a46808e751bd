import Foundation
import Testing

extension VRRPDaemonIntegrationTests {
    /// The advert policy on the wire: vrrpd in `a` is MASTER (priority 100, `state MASTER`,
    /// 4 s adverts, one gratuitous ARP when it takes over); the client `c` plays another router
    /// and sends one advert right after one of vrrpd's, so the next periodic advert is ~4 s away
    /// and anything vrrpd sends in the 2.5 s after is its reaction.
    @Suite(.enabled(if: getuid() == 0, "needs root: creates network namespaces"))
    struct AdvertPolicyWireTests {
        struct Reaction {
            var adverts: Int
            var gratuitousARPs: Int
            var state: String
        }

        static func reaction(toPriority priority: Int, extra: [String]) async throws -> Reaction {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { bus in
                    var instance = TestInstance.on(network, network.a, priority: 100)
                    instance.advertInterval = "4"
                    instance.extra = ["state MASTER", "garp_master_delay 0", "garp_master_repeat 1"] + extra
                    let capture = try Capture(network, filter: ["ip proto 112 or arp"])
                    defer { Task { await capture.stop() } }
                    try await capture.waitUntilListening()
                    return try await VRRPDProcess.with(
                        namespace: network.a, configuration: instance.configuration, bus: bus
                    ) { daemon in
                        try await daemon.waitForState("MASTER")
                        try await waitUntil("vrrpd's takeover ARP is seen") {
                            !capture.lines.gratuitousARPs(for: network.virtualAddress).isEmpty
                        }
                        // Right after a periodic advert: the next one is about 4 s away.
                        let seen = capture.lines.adverts(from: network.addressA).count
                        try await waitUntil("a periodic advert", timeout: .seconds(30)) {
                            capture.lines.adverts(from: network.addressA).count > seen
                        }
                        let before = capture.lines.count
                        try Fixtures.sendAdvert(
                            in: network.c, from: network.address(3), priority: priority, intervalCentiseconds: 400,
                            addresses: [network.virtualAddress])
                        try await waitUntil("the injected advert is captured") {
                            capture.lines.dropFirst(before).contains { $0.contains("IP \(network.address(3)) >") }
                        }
                        try await Task.sleep(for: .milliseconds(2500))
                        let after = Array(capture.lines.dropFirst(before))
                        return Reaction(
                            adverts: after.adverts(from: network.addressA).count,
                            gratuitousARPs: after.gratuitousARPs(for: network.virtualAddress).count,
                            state: try daemon.state())
                    }
                }
            }
        }

        @Test("by default a MASTER answers a lower priority advert and re-announces its VIP 5 times")
        func lowerPriorityDefault() async throws {
            let reaction = try await Self.reaction(toPriority: 50, extra: [])
            #expect(reaction.adverts == 1)
            #expect(reaction.gratuitousARPs == 5)
            #expect(reaction.state == "MASTER")
        }

        @Test("lower_prio_no_advert with garp_lower_prio_repeat 0: nothing on the wire")
        func lowerPriorityNoAdvert() async throws {
            let reaction = try await Self.reaction(
                toPriority: 50, extra: ["lower_prio_no_advert", "garp_lower_prio_repeat 0"])
            #expect(reaction.adverts == 0)
            #expect(reaction.gratuitousARPs == 0)
            #expect(reaction.state == "MASTER")
        }

        @Test("garp_lower_prio_repeat 3: three gratuitous ARPs, no advert with lower_prio_no_advert")
        func lowerPriorityGARPRepeat() async throws {
            let reaction = try await Self.reaction(
                toPriority: 50, extra: ["lower_prio_no_advert", "garp_lower_prio_repeat 3", "garp_lower_prio_delay 0"])
            #expect(reaction.adverts == 0)
            #expect(reaction.gratuitousARPs == 3)
        }

        @Test("higher_prio_send_advert: one advert before giving way; without it, none")
        func higherPrioritySendAdvert() async throws {
            let loud = try await Self.reaction(toPriority: 200, extra: ["higher_prio_send_advert"])
            #expect(loud.state == "BACKUP")
            #expect(loud.adverts == 1)
            let quiet = try await Self.reaction(toPriority: 200, extra: [])
            #expect(quiet.state == "BACKUP")
            #expect(quiet.adverts == 0)
        }
    }
}
