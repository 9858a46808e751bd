import Foundation
import KeepalivedConfig
import Testing
import VRRPDaemon

/// `vrrp_garp_interval` from global_defs reaches every instance; without it, no pacing.
@Suite struct GratuitousARPIntervalSettingsTests {
    static func interval(_ globals: String) throws -> Duration {
        let text = globals + "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority 100\n}\n"
        let configuration = try ConfigLoader().load(text: text).configuration
        let instance = try #require(configuration.instances.first)
        return try InstanceSettings(instance, globals: configuration.globalDefinitions).garpInterval
    }

    @Test func theGlobalIntervalReachesTheInstance() throws {
        #expect(try Self.interval("global_defs {\n vrrp_garp_interval 0.25\n}\n") == .milliseconds(250))
        #expect(try Self.interval("") == .zero)
    }
}

extension VRRPDaemonIntegrationTests {
    /// `vrrp_garp_interval` spaces the gratuitous ARPs a new MASTER sends on its interface,
    /// across addresses, repeats and instances, as the client on the LAN captures them.
    @Suite(.enabled(if: getuid() == 0, "needs root: creates network namespaces"))
    struct GratuitousARPIntervalTests {
        /// Arrival times (seconds) of the gratuitous ARPs for `addresses` in tcpdump's `-tt` lines:
        /// an ARP request whose sender and target are the same address (tcpdump shows the
        /// broadcast target MAC between them).
        static func gratuitousARPTimes(_ capture: String, for addresses: [String]) -> [Double] {
            capture.split(separator: "\n").compactMap { line in
                let words = line.split(separator: " ")
                guard let time = words.first.flatMap({ Double($0) }),
                    addresses.contains(where: { line.contains("who-has \($0) ") && line.contains("tell \($0),") })
                else { return nil }
                return time
            }
        }

        @Test func gratuitousARPsOnOneInterfaceAreAtLeastTheIntervalApart() async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { bus in
                    let second = network.address(101)
                    // Two instances on one interface, 3 ARPs each per address, all paced together.
                    var first = TestInstance.on(network, network.a, priority: 150)
                    first.extra = ["garp_master_delay 0", "garp_master_repeat 3"]
                    var other = TestInstance.on(network, network.a, priority: 150)
                    other.name = "VI_2"
                    other.virtualRouterID = 52
                    other.virtualAddress = second
                    other.extra = first.extra
                    let configuration =
                        "global_defs {\n    vrrp_garp_interval 0.2\n}\n" + first.configuration + other.configuration
                    let directory = try makeTemporaryDirectory("kavd-garp")
                    defer { try? FileManager.default.removeItem(atPath: directory) }
                    let tcpdump = try ChildProcess(
                        "/usr/sbin/ip",
                        [
                            "netns", "exec", network.c, "/usr/bin/tcpdump", "-i", network.interfaceC, "-n", "-l",
                            "-tt", "arp",
                        ], logPath: directory + "/capture")
                    defer { tcpdump.signal(SIGKILL) }
                    try await waitUntil("tcpdump listens") { tcpdump.log.contains("listening on") }
                    let addresses = [network.virtualAddress, second]
                    try await VRRPDProcess.with(namespace: network.a, configuration: configuration, bus: bus) {
                        vrrpd in
                        try await vrrpd.waitForState("MASTER")
                        try await vrrpd.waitForState("MASTER", instance: "VI_2")
                        try await waitUntil("the client captured all 6 gratuitous ARPs") {
                            Self.gratuitousARPTimes(tcpdump.log, for: addresses).count >= 6
                        }
                    }
                    let times = Self.gratuitousARPTimes(tcpdump.log, for: addresses)
                    #expect(times.count == 6, "\(tcpdump.log)")
                    let gaps = zip(times, times.dropFirst()).map { $1 - $0 }
                    // tcpdump stamps arrival to the microsecond; allow 1 ms for the path.
                    #expect(gaps.allSatisfy { $0 >= 0.199 }, "gaps \(gaps)\n\(tcpdump.log)")
                    for address in addresses {
                        #expect(Self.gratuitousARPTimes(tcpdump.log, for: [address]).count == 3)
                    }
                }
            }
        }
    }
}
