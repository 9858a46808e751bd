import Foundation
import Testing

extension VRRPDaemonIntegrationTests {
    /// `nopreempt` and `preempt_delay` with real vrrpd processes: a higher-priority router that
    /// starts late takes over only when and as configured.
    @Suite(.enabled(if: getuid() == 0, "needs root: creates network namespaces"))
    struct PreemptionTests {
        /// B runs alone and becomes MASTER; then A, with a higher priority and `extra`, starts.
        func lateHigherPriority(
            extra: [String], _ body: (RouterNetwork, VRRPDProcess, VRRPDProcess) async throws -> Void
        ) async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { busA in
                    try await PrivateBus.with { busB in
                        let configB = TestInstance.on(network, network.b, priority: 100).configuration
                        try await VRRPDProcess.with(namespace: network.b, configuration: configB, bus: busB) { b in
                            try await b.waitForState("MASTER")
                            var instanceA = TestInstance.on(network, network.a, priority: 150)
                            instanceA.extra = extra
                            try await VRRPDProcess.with(
                                namespace: network.a, configuration: instanceA.configuration, bus: busA
                            ) { a in
                                try await body(network, a, b)
                            }
                        }
                    }
                }
            }
        }

        @Test func noPreemptLeavesTheRunningMasterAlone() async throws {
            try await lateHigherPriority(extra: ["nopreempt"]) { network, a, b in
                try await a.waitForState("BACKUP")
                // Many advert intervals later, nothing has moved.
                try await Task.sleep(for: .seconds(1))
                #expect(try a.state() == "BACKUP")
                #expect(try b.state() == "MASTER")
                #expect(try network.holdsVirtualAddress(network.b))
                #expect(try !network.holdsVirtualAddress(network.a))
            }
        }

        @Test func preemptDelayTakesOverAfterTheDelay() async throws {
            try await lateHigherPriority(extra: ["preempt_delay 1"]) { network, a, b in
                try await a.waitForState("BACKUP")
                try await a.waitForState("MASTER")
                try await b.waitForState("BACKUP")
                #expect(a.log.contains("VRRP_Instance(VI_1) start preempt delay"))
                try await waitUntil("A holds the VIP") { try network.holdsVirtualAddress(network.a) }
            }
        }

        @Test func withoutOptionsTheHigherPriorityPreempts() async throws {
            try await lateHigherPriority(extra: []) { network, a, b in
                try await a.waitForState("MASTER")
                try await b.waitForState("BACKUP")
                #expect(b.log.contains("VRRP_Instance(VI_1) Received higher prio advert"))
                try await waitUntil("A holds the VIP") { try network.holdsVirtualAddress(network.a) }
            }
        }
    }
}
