import Foundation
import Testing

extension VRRPDaemonIntegrationTests {
    /// The garp_master_* schedule and `vrrp_gna_interval` applied to unsolicited neighbour
    /// adverts, as keepalived applies them, seen from the client on the LAN.
    @Suite(.enabled(if: getuid() == 0, "needs root: creates network namespaces"))
    struct NeighbourAdvertIntervalTests {
        /// Arrival times (seconds) of the neighbour adverts for `addresses` in tcpdump's `-tt` lines.
        static func neighbourAdvertTimes(_ capture: String, for addresses: [String]) -> [Double] {
            capture.split(separator: "\n").compactMap { line in
                let words = line.split(separator: " ")
                guard let time = words.first.flatMap({ Double($0) }),
                    addresses.contains(where: { line.contains("tgt is \($0),") })
                else { return nil }
                return time
            }
        }

        @Test func repeatIntervalAndRefreshApplyToNeighbourAdverts() async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { bus in
                    let second = network.address6(101)
                    var instance = TestInstance.ipv6(on: network, network.a, priority: 150)
                    // 3 per address now, none after a delay, then 2 per address every second.
                    instance.extra = [
                        "garp_master_delay 0", "garp_master_repeat 3", "garp_master_refresh 1",
                        "garp_master_refresh_repeat 2", "virtual_ipaddress_excluded {", "    \(second)/64", "}",
                    ]
                    let configuration = "global_defs {\n    vrrp_gna_interval 0.1\n}\n" + instance.configuration
                    let directory = try makeTemporaryDirectory("kavd-gna")
                    defer { try? FileManager.default.removeItem(atPath: directory) }
                    let tcpdump = try ChildProcess(
                        "/usr/sbin/ip",
                        [
                            "netns", "exec", network.c, "/usr/bin/tcpdump", "-i", network.interfaceC, "-n", "-l",
                            "-tt", "icmp6 and ip6[40] == 136",
                        ], logPath: directory + "/capture")
                    defer { tcpdump.signal(SIGKILL) }
                    try await waitUntil("tcpdump listens") { tcpdump.log.contains("listening on") }
                    let addresses = [network.virtualAddress6, second]
                    try await VRRPDProcess.with(namespace: network.a, configuration: configuration, bus: bus) {
                        vrrpd in
                        try await vrrpd.waitForState("MASTER")
                        try await waitUntil("the client captured the burst and two refreshes (6 + 2 × 4)") {
                            Self.neighbourAdvertTimes(tcpdump.log, for: addresses).count >= 14
                        }
                    }
                    let times = Self.neighbourAdvertTimes(tcpdump.log, for: addresses)
                    let gaps = zip(times, times.dropFirst()).map { $1 - $0 }
                    // tcpdump stamps arrival to the microsecond; allow 1 ms for the path.
                    #expect(gaps.allSatisfy { $0 >= 0.099 }, "gaps \(gaps)\n\(tcpdump.log)")
                    // The first burst: 3 for each address, before the first refresh a second later.
                    let burst = times.prefix { $0 < times[0] + 0.9 }
                    #expect(burst.count == 6, "\(tcpdump.log)")
                    for address in addresses {
                        #expect(Self.neighbourAdvertTimes(tcpdump.log, for: [address]).count >= 7)
                    }
                }
            }
        }
    }
}
