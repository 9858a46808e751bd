import Foundation
import Testing

extension VRRPDaemonIntegrationTests {
    /// `auth_type AH` between vrrpd and Debian's keepalived, in both roles, and a replayed
    /// advert that vrrpd drops and counts without changing state.
    @Suite(
        .enabled(if: getuid() == 0, "needs root: creates network namespaces"),
        .enabled(if: KeepalivedProcess.isAvailable, "needs Debian's keepalived"))
    struct AuthenticationHeaderTests {
        static let authentication = ["authentication {", "    auth_type AH", "    auth_pass ka51ah", "}"]

        func instance(_ network: RouterNetwork, _ namespace: String, priority: Int) -> TestInstance {
            var instance = TestInstance.on(network, namespace, priority: priority)
            instance.version = 2
            instance.advertInterval = "1"
            instance.extra = Self.authentication
            return instance
        }

        @Test("keepalived AH master, vrrpd AH backup: vrrpd verifies its adverts and stays BACKUP")
        func keepalivedMaster() async throws {
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
                            try await waitUntil("vrrpd received keepalived's AH adverts") {
                                try vrrpd.stats()["VI_1"]?["adverts_received"] ?? 0 >= 2
                            }
                            try await Task.sleep(for: .seconds(3))
                            #expect(try vrrpd.state() == "BACKUP")
                            #expect(try network.holdsVirtualAddress(network.b))
                            #expect(try !network.holdsVirtualAddress(network.a))
                            let counters = try vrrpd.stats()["VI_1"] ?? [:]
                            #expect(Set(counters.keys) == ["adverts_sent", "adverts_received"], "\(counters)")

                            // keepalived stops cleanly: its priority 0 advert is AH too.
                            await keepalived.stop()
                            try await vrrpd.waitForState("MASTER")
                            let reason = try vrrpd.property("LastReason") as? String ?? ""
                            #expect(reason.contains("resigned (priority 0)"), "\(reason)")
                        }
                    }
                }
            }
        }

        @Test("vrrpd AH master, keepalived AH backup: keepalived verifies ours and stays BACKUP")
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
                            #expect(!log.contains("invalid IPSEC"), "keepalived refused our ICV or SPI: \(log)")
                            #expect(try vrrpd.state() == "MASTER")
                            #expect(try network.holdsVirtualAddress(network.a))
                            #expect(try !network.holdsVirtualAddress(network.b))
                        }
                    }
                }
            }
        }

        @Test("a crashed vrrpd restarts with its counter at 0 and takes back MASTER: the counter syncs")
        func restartAfterCrash() async throws {
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
                            await vrrpd.stop(signal: SIGKILL)
                        }
                        try await waitUntil("keepalived takes over") {
                            keepalived.log.components(separatedBy: "Entering ").last?.hasPrefix("MASTER") == true
                        }
                        try await VRRPDProcess.with(namespace: network.a, configuration: ours.configuration, bus: bus) {
                            vrrpd in
                            try await vrrpd.waitForState("MASTER")
                            try await waitUntil("keepalived yields to the restarted vrrpd") {
                                keepalived.log.components(separatedBy: "Entering ").last?.hasPrefix("BACKUP") == true
                            }
                            try await Task.sleep(for: .seconds(3))
                            let log = keepalived.log
                            #expect(
                                log.components(separatedBy: "Entering ").last?.hasPrefix("BACKUP") == true, "\(log)")
                            #expect(!log.contains("invalid IPSEC"), "\(log)")
                            #expect(try vrrpd.state() == "MASTER")
                            #expect(try network.holdsVirtualAddress(network.a))
                        }
                    }
                }
            }
        }

        @Test("a captured AH advert sent again is dropped as a replay, counted, and changes nothing")
        func replayIsDropped() async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { bus in
                    let ours = instance(network, network.a, priority: 100)
                    let theirs = instance(network, network.b, priority: 150)
                    try await KeepalivedProcess.with(namespace: network.b, configuration: theirs.configuration) {
                        _ in
                        try await VRRPDProcess.with(namespace: network.a, configuration: ours.configuration, bus: bus) {
                            vrrpd in
                            try await vrrpd.waitForState("BACKUP")
                            try await waitUntil("vrrpd follows keepalived") {
                                try vrrpd.property("MasterAddress") as? String == network.addressB
                            }
                            let received = try vrrpd.stats()["VI_1"]?["adverts_received"] ?? 0
                            // Capture keepalived's next AH frame as it leaves, and send it again
                            // 2.5 s later, when vrrpd has accepted later sequence numbers.
                            let replay = try PacketTool(
                                namespace: network.b, interface: network.interfaceB, protocolNumber: 51,
                                outgoing: true, resendAfter: 2.5)
                            let frame = try await replay.frame()
                            #expect(frame.count > 14 + 20 + 24, "captured \(frame.count) bytes")
                            try await waitUntil("vrrpd counted the replay") {
                                try vrrpd.stats()["VI_1"]?["ah_replay"] ?? 0 >= 1
                            }
                            let counters = try vrrpd.stats()["VI_1"] ?? [:]
                            #expect(counters["ah_replay"] == 1, "\(counters)")
                            #expect(counters["adverts_received"] ?? 0 > received)
                            #expect(try vrrpd.state() == "BACKUP")
                            #expect(try vrrpd.property("MasterAddress") as? String == network.addressB)
                        }
                    }
                }
            }
        }
    }
}
