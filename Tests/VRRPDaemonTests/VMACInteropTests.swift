import Foundation
import Testing

extension VRRPDaemonIntegrationTests {
    /// `use_vmac` on both sides, vrrpd and Debian's keepalived: adverts sent from one VMAC
    /// reach the other (same MAC on both), in both roles.
    @Suite(
        .enabled(if: getuid() == 0, "needs root: creates network namespaces"),
        .enabled(if: KeepalivedProcess.isAvailable, "needs Debian's keepalived"))
    struct VMACInteropTests {
        static let virtualMAC = "00:00:5e:00:01:33"  // VRID 51

        func instance(_ network: RouterNetwork, _ namespace: String, priority: Int) -> TestInstance {
            var instance = TestInstance.on(network, namespace, priority: priority)
            instance.version = 2
            instance.advertInterval = "1"
            instance.extra = ["use_vmac"]
            return instance
        }

        @Test("keepalived VMAC master, vrrpd VMAC backup; vrrpd takes over and the client keeps the MAC")
        func keepalivedMasterThenVRRPD() async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { bus in
                    let ours = instance(network, network.a, priority: 100)
                    let theirs = instance(network, network.b, priority: 150)
                    try await KeepalivedProcess.with(namespace: network.b, configuration: theirs.configuration) {
                        keepalived in
                        try await VRRPDProcess.with(namespace: network.a, configuration: ours.configuration, bus: bus) {
                            vrrpd in
                            try await vrrpd.waitForState("BACKUP")
                            try await waitUntil("vrrpd follows keepalived") {
                                try vrrpd.property("MasterAddress") as? String == network.addressB
                            }
                            try await waitUntil("vrrpd received keepalived's adverts on its VMAC") {
                                try vrrpd.stats()["VI_1"]?["adverts_received"] ?? 0 >= 2
                            }
                            #expect(try vrrpd.state() == "BACKUP")
                            let counters = try vrrpd.stats()["VI_1"] ?? [:]
                            #expect(Set(counters.keys) == ["adverts_sent", "adverts_received"], "\(counters)")

                            await keepalived.stop()
                            try await vrrpd.waitForState("MASTER")
                            #expect(
                                try network.addresses(in: network.a, interface: "vrrp.51") == [network.virtualAddress])
                            try await waitUntil("the client reaches the VIP on vrrpd") {
                                (try? run(
                                    "/usr/sbin/ip",
                                    ["netns", "exec", network.c, "ping", "-c", "1", "-W", "1", network.virtualAddress]))
                                    != nil
                            }
                            #expect(try network.clientNeighbour() == Self.virtualMAC)
                        }
                    }
                }
            }
        }

        @Test("vrrpd VMAC master, keepalived VMAC backup: keepalived hears us and stays BACKUP")
        func vrrpdMaster() async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { bus in
                    let ours = instance(network, network.a, priority: 150)
                    let theirs = instance(network, network.b, priority: 100)
                    try await KeepalivedProcess.with(namespace: network.b, configuration: theirs.configuration) {
                        keepalived in
                        try await VRRPDProcess.with(namespace: network.a, configuration: ours.configuration, bus: bus) {
                            vrrpd in
                            try await vrrpd.waitForState("MASTER")
                            try await waitUntil("keepalived is BACKUP") {
                                keepalived.log.contains("Entering BACKUP STATE")
                            }
                            try await Task.sleep(for: .seconds(4))
                            let log = keepalived.log
                            let lastState = log.components(separatedBy: "Entering ").last ?? ""
                            #expect(lastState.hasPrefix("BACKUP"), "\(log)")
                            #expect(try vrrpd.state() == "MASTER")
                            #expect(
                                try network.addresses(in: network.a, interface: "vrrp.51") == [network.virtualAddress])
                            #expect(try network.addresses(in: network.b, interface: "vrrp.51").isEmpty)
                        }
                    }
                }
            }
        }
    }
}
