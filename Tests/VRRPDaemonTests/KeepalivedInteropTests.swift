import Foundation
import Testing

extension VRRPDaemonIntegrationTests {
    /// vrrpd and Debian's keepalived on one link, same virtual router: each wins the election when
    /// it has the higher priority, and vrrpd drops none of keepalived's adverts.
    @Suite(
        .enabled(if: getuid() == 0, "needs root: creates network namespaces"),
        .enabled(if: KeepalivedProcess.isAvailable, "needs Debian's keepalived"))
    struct KeepalivedInteropTests {
        enum Flavour: String, CaseIterable, CustomTestStringConvertible {
            case v2WithPassword
            /// VRRPv2 with no `authentication` block: auth type 0 on the wire.
            case v2NoAuth
            case v3Fast

            var testDescription: String { rawValue }

            func instance(_ network: RouterNetwork, _ namespace: String, priority: Int) -> TestInstance {
                var instance = TestInstance.on(network, namespace, priority: priority)
                switch self {
                case .v2WithPassword:
                    instance.version = 2
                    instance.advertInterval = "1"
                    instance.password = "ka51pw"
                case .v2NoAuth:
                    instance.version = 2
                    instance.advertInterval = "1"
                case .v3Fast:
                    instance.version = 3
                    instance.advertInterval = "0.1"
                }
                return instance
            }
        }

        @Test(arguments: Flavour.allCases, [true, false])
        func electsTheHigherPriorityWithKeepalived(_ flavour: Flavour, vrrpdIsHigher: Bool) async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { bus in
                    let ours = flavour.instance(network, network.a, priority: vrrpdIsHigher ? 150 : 100)
                    let theirs = flavour.instance(network, network.b, priority: vrrpdIsHigher ? 100 : 150)
                    let keepalivedConfiguration = "global_defs {\n    router_id kavd_test\n}\n" + theirs.configuration
                    try await KeepalivedProcess.with(namespace: network.b, configuration: keepalivedConfiguration) {
                        keepalived in
                        try await VRRPDProcess.with(namespace: network.a, configuration: ours.configuration, bus: bus) {
                            vrrpd in
                            let (master, backup) = vrrpdIsHigher ? (network.a, network.b) : (network.b, network.a)
                            try await vrrpd.waitForState(vrrpdIsHigher ? "MASTER" : "BACKUP")
                            try await waitUntil("\(master) holds the VIP, \(backup) does not") {
                                try network.holdsVirtualAddress(master) && !network.holdsVirtualAddress(backup)
                            }
                            // The other side's view: keepalived logs its own state.
                            let keepalivedState = vrrpdIsHigher ? "Entering BACKUP STATE" : "Entering MASTER STATE"
                            try await waitUntil("keepalived logs \(keepalivedState)") {
                                keepalived.log.contains(keepalivedState)
                            }
                            if !vrrpdIsHigher {
                                try await waitUntil("vrrpd received keepalived's adverts") {
                                    try vrrpd.stats()["VI_1"]?["adverts_received"] ?? 0 > 0
                                }
                                #expect(try vrrpd.property("MasterAddress") as? String == network.addressB)
                            }
                            // Still the same after a few more adverts, and nothing dropped.
                            try await Task.sleep(for: flavour == .v3Fast ? .milliseconds(500) : .seconds(3))
                            #expect(try vrrpd.state() == (vrrpdIsHigher ? "MASTER" : "BACKUP"))
                            #expect(try network.holdsVirtualAddress(master))
                            let lastState = keepalived.log.components(separatedBy: "Entering ").last ?? ""
                            #expect(lastState.hasPrefix(vrrpdIsHigher ? "BACKUP" : "MASTER"), "\(keepalived.log)")
                            let counters = try vrrpd.stats()["VI_1"] ?? [:]
                            #expect(Set(counters.keys) == ["adverts_sent", "adverts_received"], "\(counters)")
                        }
                    }
                }
            }
        }

        /// keepalived as BACKUP takes over when vrrpd, its MASTER, stops cleanly (priority 0).
        @Test(arguments: Flavour.allCases)
        func keepalivedTakesOverWhenVRRPDStops(_ flavour: Flavour) async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { bus in
                    let ours = flavour.instance(network, network.a, priority: 150)
                    let theirs = flavour.instance(network, network.b, priority: 100)
                    try await KeepalivedProcess.with(namespace: network.b, configuration: theirs.configuration) {
                        keepalived in
                        try await VRRPDProcess.with(namespace: network.a, configuration: ours.configuration, bus: bus) {
                            vrrpd in
                            try await vrrpd.waitForState("MASTER")
                            try await waitUntil("keepalived is BACKUP") {
                                keepalived.log.contains("Entering BACKUP STATE")
                            }
                            await vrrpd.stop(signal: SIGTERM)
                            try await waitUntil("keepalived holds the VIP") {
                                try network.holdsVirtualAddress(network.b)
                            }
                            #expect(try !network.holdsVirtualAddress(network.a))
                        }
                    }
                }
            }
        }

        /// vrrpd as BACKUP takes over from keepalived, its MASTER, when keepalived stops cleanly
        /// (priority 0) and when it crashes with its link going down.
        @Test(arguments: Flavour.allCases, [false, true])
        func vrrpdTakesOverFromKeepalived(_ flavour: Flavour, crash: Bool) async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { bus in
                    let ours = flavour.instance(network, network.a, priority: 100)
                    let theirs = flavour.instance(network, network.b, priority: 150)
                    try await KeepalivedProcess.with(namespace: network.b, configuration: theirs.configuration) {
                        keepalived in
                        try await VRRPDProcess.with(namespace: network.a, configuration: ours.configuration, bus: bus) {
                            vrrpd in
                            try await waitUntil("keepalived holds the VIP") {
                                try network.holdsVirtualAddress(network.b)
                            }
                            try await vrrpd.waitForState("BACKUP")
                            try await waitUntil("vrrpd follows keepalived") {
                                try vrrpd.property("MasterAddress") as? String == network.addressB
                            }
                            if crash {
                                await keepalived.crash()
                                try ip("-n", network.b, "link", "set", network.interfaceB, "down")
                            } else {
                                await keepalived.stop()
                                #expect(try !network.holdsVirtualAddress(network.b))
                            }
                            try await vrrpd.waitForState("MASTER")
                            try await waitUntil("vrrpd holds the VIP") { try network.holdsVirtualAddress(network.a) }
                            let reason = try vrrpd.property("LastReason") as? String ?? ""
                            if crash {
                                #expect(reason == "master down timer expired")
                            } else {
                                #expect(reason.contains("resigned (priority 0)"), "\(reason)")
                            }
                            let counters = try vrrpd.stats()["VI_1"] ?? [:]
                            #expect(Set(counters.keys) == ["adverts_sent", "adverts_received"], "\(counters)")
                        }
                    }
                }
            }
        }
    }
}
