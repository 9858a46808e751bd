import Foundation
import Testing

extension VRRPDaemonIntegrationTests {
    /// `track_script` from checkd's Script objects on the bus (a stand-in publishes them).
    @Suite(.enabled(if: getuid() == 0, "needs root: creates network namespaces"))
    struct ScriptTrackingTests {
        @Test func scriptStatusesMovePriorityAndAVanishedCheckdCountsAsFailedAfterItsGrace() async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { busA in
                    try await PrivateBus.with { busB in
                        let checkd = try await FakeCheckd.start(address: busA.address, scripts: ["chk": "OK"])
                        defer { checkd.stop() }
                        var instanceA = TestInstance.on(network, network.a, priority: 150)
                        instanceA.extra = ["track_script {", "    chk weight -60", "}"]
                        let script = "vrrp_script chk {\n    script /bin/true\n    interval 1\n}\n"
                        let configA = script + instanceA.configuration
                        let configB = TestInstance.on(network, network.b, priority: 100).configuration
                        try await VRRPDProcess.with(namespace: network.a, configuration: configA, bus: busA) { a in
                            try await VRRPDProcess.with(namespace: network.b, configuration: configB, bus: busB) { b in
                                try await a.waitForState("MASTER")
                                try await b.waitForState("BACKUP")

                                try checkd.set("chk", status: "FAILED")
                                try await b.waitForState("MASTER")
                                try await a.waitForState("BACKUP")
                                #expect(try a.property("EffectivePriority") as? Int == 90)

                                try checkd.set("chk", status: "OK")
                                try await a.waitForState("MASTER")
                                try await b.waitForState("BACKUP")

                                // checkd gone: the last status (OK) holds for the grace (5 s), then FAILED.
                                checkd.stop()
                                try await b.waitForState("MASTER")
                                #expect(a.log.contains("VRRP_Script(chk) has no status from org.keepalive.Check1"))
                            }
                        }
                    }
                }
            }
        }
    }
}
