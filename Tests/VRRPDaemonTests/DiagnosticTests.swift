import DBus
import Foundation
import Testing

extension VRRPDaemonIntegrationTests {
    /// Diagnostics about other routers: logged once and signalled on the bus.
    @Suite(.enabled(if: getuid() == 0, "needs root: creates network namespaces"))
    struct DiagnosticTests {
        @Test func aVRIDClashIsLoggedOnceAndSignalledWithTheSendersAddress() async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { busA in
                    try await PrivateBus.with { busB in
                        let configA = TestInstance.on(network, network.a, priority: 150).configuration
                        var instanceB = TestInstance.on(network, network.b, priority: 100)
                        instanceB.virtualAddress = network.address(101)
                        try await VRRPDProcess.with(namespace: network.a, configuration: configA, bus: busA) { a in
                            try await a.waitForState("MASTER")
                            let listener = try await DBusConnection.connect(address: busA.address)
                            defer { listener.close() }
                            let diagnostics = try await listener.signals(
                                matching: DBusMatchRule(interface: "org.keepalive.Vrrp1.Instance", member: "Diagnostic")
                            )
                            try await VRRPDProcess.with(
                                namespace: network.b, configuration: instanceB.configuration, bus: busB
                            ) { _ in
                                let signal = try await firstSignal(diagnostics)
                                let arguments = signal.arguments.compactMap(\.stringValue)
                                #expect(arguments.count == 3)
                                #expect(arguments.first == "vrid_clash")
                                #expect(arguments.dropFirst().first == network.addressB)
                                #expect(signal.path.rawValue == VRRPDProcess.instancePath("VI_1"))
                                try await waitUntil("A dropped several of B's adverts") {
                                    try a.stats()["VI_1"]?["address_list"] ?? 0 >= 5
                                }
                                let clash = "VRID 51 clash: \(network.addressB) advertises another address list"
                                #expect(a.log.components(separatedBy: clash).count - 1 == 1, "\(a.log)")
                            }
                        }
                    }
                }
            }
        }

        @Test func aMasterOutrankingARivalThatCannotHearItReportsSplitBrain() async throws {
            try await RouterNetwork.with { network in
                // B hears nothing of A (VRRP dropped on its input), so it becomes MASTER too.
                try run(
                    "/usr/sbin/ip",
                    [
                        "netns", "exec", network.b, "/usr/sbin/nft",
                        "add table inet deaf; add chain inet deaf input { type filter hook input priority 0; };"
                            + " add rule inet deaf input ip protocol 112 drop",
                    ])
                try await PrivateBus.with { busA in
                    try await PrivateBus.with { busB in
                        let configA = TestInstance.on(network, network.a, priority: 150).configuration
                        let configB = TestInstance.on(network, network.b, priority: 100).configuration
                        try await VRRPDProcess.with(namespace: network.a, configuration: configA, bus: busA) { a in
                            try await a.waitForState("MASTER")
                            try await VRRPDProcess.with(namespace: network.b, configuration: configB, bus: busB) { b in
                                try await b.waitForState("MASTER")
                                let splitBrain = "split brain: \(network.addressB) is MASTER too (priority 100)"
                                try await waitUntil("A reports the split brain") { a.log.contains(splitBrain) }
                                #expect(try a.state() == "MASTER")
                            }
                        }
                    }
                }
            }
        }

        @Test func aMasterPreemptedByAHigherPriorityReportsNoSplitBrain() async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { busA in
                    try await PrivateBus.with { busB in
                        let configA = TestInstance.on(network, network.a, priority: 150).configuration
                        let configB = TestInstance.on(network, network.b, priority: 100).configuration
                        try await VRRPDProcess.with(namespace: network.b, configuration: configB, bus: busB) { b in
                            try await b.waitForState("MASTER")
                            try await VRRPDProcess.with(namespace: network.a, configuration: configA, bus: busA) { a in
                                try await a.waitForState("MASTER")
                                try await b.waitForState("BACKUP")
                                // B got A's advert while MASTER and stepped down: a preemption.
                                #expect(!b.log.contains("split brain"), "\(b.log)")
                                #expect(!a.log.contains("split brain"), "\(a.log)")
                            }
                        }
                    }
                }
            }
        }

        /// The first signal, or a failure after 20 s (a hang guard).
        func firstSignal(_ stream: DBusSignalStream<DBusSignal>) async throws -> DBusSignal {
            try await withThrowingTaskGroup(of: DBusSignal?.self) { group in
                group.addTask {
                    for try await signal in stream { return signal }
                    return nil
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(20))
                    return nil
                }
                let first = try await group.next() ?? nil
                group.cancelAll()
                guard let first else { throw TestFailure("no Diagnostic signal") }
                return first
            }
        }
    }
}
