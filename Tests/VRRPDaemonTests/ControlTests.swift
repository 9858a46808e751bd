import Foundation
import Testing

extension VRRPDaemonIntegrationTests {
    /// `SetPriority`, `ResetPriority` and `Switchover` called with busctl on a running vrrpd, and
    /// the objects it serves.
    @Suite(.enabled(if: getuid() == 0, "needs root: creates network namespaces"))
    struct ControlTests {
        @Test func setPriorityMovesMastershipAndResetPriorityMovesItBack() async throws {
            try await TwoRouters.with(
                a: { .on($0, $0.a, priority: 150) }, b: { .on($0, $0.b, priority: 100) }
            ) { routers in
                try await routers.a.waitForState("MASTER")
                try await routers.b.waitForState("BACKUP")
                try routers.b.call("SetPriority", ["y", "200"])
                try await routers.b.waitForState("MASTER")
                try await routers.a.waitForState("BACKUP")
                try await waitUntil("B holds the VIP") { try routers.holdsVirtualAddress(routers.b) }
                #expect(try routers.b.property("Priority") as? Int == 200)
                #expect(try routers.b.property("EffectivePriority") as? Int == 200)

                try routers.b.call("ResetPriority")
                #expect(try routers.b.property("Priority") as? Int == 100)
                try await routers.a.waitForState("MASTER")
                try await routers.b.waitForState("BACKUP")
                try await waitUntil("A holds the VIP again") { try routers.holdsVirtualAddress(routers.a) }
            }
        }

        @Test func switchoverHandsMastershipToTheBackupUntilResetPriority() async throws {
            try await TwoRouters.with(
                a: { .on($0, $0.a, priority: 150) }, b: { .on($0, $0.b, priority: 100) }
            ) { routers in
                try await routers.a.waitForState("MASTER")
                try await routers.b.waitForState("BACKUP")
                try routers.a.call("Switchover")
                try await routers.b.waitForState("MASTER")
                try await waitUntil("B holds the VIP") { try routers.holdsVirtualAddress(routers.b) }
                try await waitUntil("A dropped the VIP") { try !routers.holdsVirtualAddress(routers.a) }
                #expect(try routers.a.state() == "BACKUP")
                #expect(try routers.a.property("LastReason") as? String == "switchover requested")

                try routers.a.call("ResetPriority")
                try await routers.a.waitForState("MASTER")
                try await routers.b.waitForState("BACKUP")
            }
        }

        @Test func refusedCallsAnswerWithADBusErrorAndTheDaemonKeepsRunning() async throws {
            try await TwoRouters.with(
                a: { .on($0, $0.a, priority: 150) }, b: { .on($0, $0.b, priority: 100) }
            ) { routers in
                try await routers.a.waitForState("MASTER")
                try await routers.b.waitForState("BACKUP")
                let refusal = #expect(throws: TestFailure.self) { try routers.b.call("Switchover") }
                #expect(refusal?.description.contains("only a MASTER can switch over") == true)
                #expect(throws: TestFailure.self) { try routers.a.call("SetPriority", ["y", "0"]) }
                #expect(throws: TestFailure.self) { try routers.a.call("SetPriority", ["y", "255"]) }
                #expect(throws: TestFailure.self) { try routers.a.call("SetPriority", ["s", "high"]) }
                #expect(try routers.a.state() == "MASTER")
                #expect(try routers.b.state() == "BACKUP")
            }
        }

        @Test func callersOtherThanRootNeedPolkit() async throws {
            try await TwoRouters.with(
                a: { .on($0, $0.a, priority: 150) }, b: { .on($0, $0.b, priority: 100) }
            ) { routers in
                try await routers.a.waitForState("MASTER")
                // No polkit on the private bus: an unprivileged caller is refused, never let through.
                let arguments = [
                    "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/gdbus", "call",
                    "--address", routers.a.bus.address, "--dest", VRRPDProcess.busName,
                    "--object-path", VRRPDProcess.instancePath("VI_1"),
                    "--method", VRRPDProcess.instanceInterface + ".Switchover",
                ]
                let refusal = #expect(throws: TestFailure.self) { try run("/usr/bin/setpriv", arguments) }
                let message = refusal?.description ?? ""
                #expect(message.contains("org.freedesktop.DBus.Error.AccessDenied"), "\(message)")
                #expect(message.contains("org.keepalive.vrrp.manage"), "\(message)")
                #expect(try routers.a.state() == "MASTER")
                #expect(try !routers.holdsVirtualAddress(routers.b))
            }
        }

        @Test func servedInterfaceIsTheShippedXMLAndStatsCountAdverts() async throws {
            try await TwoRouters.with(
                a: { .on($0, $0.a, priority: 150) }, b: { .on($0, $0.b, priority: 100) }
            ) { routers in
                try await routers.a.waitForState("MASTER")
                try await routers.b.waitForState("BACKUP")
                let served = try routers.a.bus.busctl([
                    "introspect", "--xml-interface", VRRPDProcess.busName, VRRPDProcess.instancePath("VI_1"),
                ])
                let shipped = try String(
                    contentsOfFile: VRRPDProcess.interfacesDirectory + "/org.keepalive.Vrrp1.Instance.xml",
                    encoding: .utf8)
                #expect(served.contains(shipped.trimmingCharacters(in: .whitespacesAndNewlines)))

                try await waitUntil("Stats show adverts both ways") {
                    let sent = try routers.a.stats()["VI_1"]?["adverts_sent"] ?? 0
                    let received = try routers.b.stats()["VI_1"]?["adverts_received"] ?? 0
                    return sent > 0 && received > 0
                }
                #expect(try routers.b.stats()["VI_1"]?.keys.sorted() == ["adverts_received", "adverts_sent"])
            }
        }

        /// The bus is for control, not the data path: vrrpd keeps its role and VIP through a bus
        /// outage, then owns its name again and serves its objects with their current values.
        @Test func busOutageChangesNothingOnTheWireAndTheObjectsComeBack() async throws {
            try await TwoRouters.with(
                a: { .on($0, $0.a, priority: 150) }, b: { .on($0, $0.b, priority: 100) }
            ) { routers in
                try await routers.a.waitForState("MASTER")
                try await routers.b.waitForState("BACKUP")
                // Only what happens from the outage on counts: on a loaded machine B may win a
                // moment of mastership at startup, before A's first advert reaches it.
                let transitionsBefore = routers.b.log.components(separatedBy: "Entering MASTER STATE").count
                try await routers.a.bus.restart(after: .seconds(1))
                try await routers.a.waitForState("MASTER")
                #expect(try routers.holdsVirtualAddress(routers.a))
                #expect(try routers.b.state() == "BACKUP")
                #expect(routers.b.log.components(separatedBy: "Entering MASTER STATE").count == transitionsBefore)
                #expect(routers.a.log.contains("Lost the D-Bus connection"))
                let managed = try routers.a.bus.busctl([
                    "call", VRRPDProcess.busName, VRRPDProcess.rootPath, "org.freedesktop.DBus.ObjectManager",
                    "GetManagedObjects",
                ])
                #expect(managed.contains(VRRPDProcess.instancePath("VI_1")))
                #expect(managed.contains("MASTER"))
            }
        }

        @Test func instanceNamesAreEscapedInObjectPaths() async throws {
            try await TwoRouters.with(
                a: { network in
                    var instance = TestInstance.on(network, network.a, priority: 150)
                    instance.name = "web-vip.1"
                    return instance
                }, b: { .on($0, $0.b, priority: 100) }
            ) { routers in
                #expect(VRRPDProcess.instancePath("web-vip.1") == "/org/keepalive/Vrrp1/instance/web_2dvip_2e1")
                try await routers.a.waitForState("MASTER", instance: "web-vip.1")
                #expect(try routers.a.property("Name", instance: "web-vip.1") as? String == "web-vip.1")
            }
        }
    }
}
