import DBus
import Foundation
import KeepaliveTestSupport
import Synchronization
import Testing

/// kactl against the per-item objects of the D-Bus contract (Instance, Script, RealServer), served
/// on a real private bus by a peer that owns the daemons' names, until vrrpd and checkd serve
/// them themselves. It proves the paths kactl calls, the arguments it sends and how it shows them.
struct KactlContractTests {
    static let instanceXML = """
        <node>
          <interface name="org.keepalive.Vrrp1.Instance">
            <method name="SetPriority"><arg name="priority" type="y" direction="in"/></method>
            <method name="Switchover"/>
            <method name="ResetPriority"/>
            <signal name="StateChanged">
              <arg name="old" type="s"/><arg name="new" type="s"/><arg name="reason" type="s"/>
            </signal>
            <property name="Name" type="s" access="read"/>
            <property name="State" type="s" access="read"/>
            <property name="Interface" type="s" access="read"/>
            <property name="VirtualRouterId" type="y" access="read"/>
            <property name="Version" type="y" access="read"/>
            <property name="Priority" type="y" access="read"/>
            <property name="EffectivePriority" type="y" access="read"/>
            <property name="AdvertInterval" type="d" access="read"/>
            <property name="MasterAddress" type="s" access="read"/>
            <property name="VirtualAddresses" type="as" access="read"/>
            <property name="LastTransition" type="t" access="read"/>
            <property name="LastReason" type="s" access="read"/>
          </interface>
        </node>
        """

    static let realServerXML = """
        <node>
          <interface name="org.keepalive.Check1.RealServer">
            <method name="Drain"/>
            <method name="Enable"/>
            <method name="Disable"/>
            <property name="VirtualServer" type="s" access="read"/>
            <property name="Address" type="s" access="read"/>
            <property name="Port" type="q" access="read"/>
            <property name="Healthy" type="b" access="read"/>
            <property name="Weight" type="i" access="read"/>
            <property name="Checkers" type="as" access="read"/>
            <property name="LastError" type="s" access="read"/>
            <property name="AdminState" type="s" access="read"/>
          </interface>
        </node>
        """

    /// The method calls the peer received: path, member, arguments.
    final class Calls: Sendable {
        let log = Mutex<[String]>([])
        func record(_ call: DBusMethodCall) -> [DBusValue] {
            log.withLock { $0.append("\(call.path) \(call.method)(\(call.arguments.map(\.description).joined()))") }
            return []
        }
        var all: [String] { log.withLock { $0 } }
    }

    /// A peer owning `org.keepalive.Vrrp1` and `org.keepalive.Check1` with one object of each kind.
    struct Peer {
        let connection: DBusConnection
        let vrrpRoot: DBusExportedObject
        let instance: DBusExportedObject
        let calls: Calls
    }

    func startPeer(on bus: PrivateBus) async throws -> Peer {
        let connection = try await bus.connect()
        let calls = Calls()
        var roots: [DBusExportedObject] = []
        for name in ["org.keepalive.Vrrp1", "org.keepalive.Check1"] {
            let root = try ObjectPath("/" + name.split(separator: ".").joined(separator: "/"))
            let xml = try String(contentsOfFile: "\(Repository.dbusDirectory)/\(name).xml", encoding: .utf8)
            var object = try DBusObject(path: root, introspectionXML: xml)
            try object.setProperty(name, "Version", "9.9")
            try object.onMethod(name, "Reload") { calls.record($0) }
            await connection.addObjectManager(at: root)
            roots.append(try await connection.export(object))
            try await connection.requestName(name)
        }
        // An instance name with an underscore: its path label is escaped (VI_5f1).
        let vrrp = try ObjectPath("/org/keepalive/Vrrp1/instance").appending(escaping: "VI_1")
        var instance = try DBusObject(path: vrrp, introspectionXML: Self.instanceXML)
        let interface = "org.keepalive.Vrrp1.Instance"
        let values: [String: DBusValue] = [
            "Name": "VI_1", "State": "MASTER", "Interface": "eth0", "VirtualRouterId": .byte(51),
            "Version": .byte(3), "Priority": .byte(100), "EffectivePriority": .byte(90),
            "AdvertInterval": .double(1), "MasterAddress": "192.0.2.1",
            "VirtualAddresses": .array(of: ["192.0.2.10/32"]), "LastTransition": .uint64(1_795_000_000_000_000),
            "LastReason": "higher priority",
        ]
        for (name, value) in values { try instance.setProperty(interface, name, value) }
        try instance.onMethod(interface, "SetPriority") { calls.record($0) }
        try instance.onMethod(interface, "ResetPriority") { calls.record($0) }
        try instance.onMethod(interface, "Switchover") { _ in throw DBusError.accessDenied("not authorized") }
        let exportedInstance = try await connection.export(instance)

        let rsPath = try ObjectPath("/org/keepalive/Check1/realserver").appending(escaping: "192.0.2.10:80")
            .appending(escaping: "192.0.2.20:80")
        var realServer = try DBusObject(path: rsPath, introspectionXML: Self.realServerXML)
        let rs = "org.keepalive.Check1.RealServer"
        let rsValues: [String: DBusValue] = [
            "VirtualServer": "192.0.2.10:80", "Address": "192.0.2.20", "Port": .uint16(80), "Healthy": true,
            "Weight": .int32(3), "Checkers": .array(of: ["TCP_CHECK"]), "AdminState": "ENABLED",
        ]
        for (name, value) in rsValues { try realServer.setProperty(rs, name, value) }
        for method in ["Drain", "Enable", "Disable"] { try realServer.onMethod(rs, method) { calls.record($0) } }
        _ = try await connection.export(realServer)
        return Peer(connection: connection, vrrpRoot: roots[0], instance: exportedInstance, calls: calls)
    }

    @Test func statusShowsInstancesAndRealServers() async throws {
        try await withPrivateBus { bus in
            let peer = try await startPeer(on: bus)
            defer { peer.connection.close() }
            let status = try await runKactl(["status", "--bus-address", bus.address])
            #expect(status.status == 0, "\(status.stderr)")
            #expect(status.stdout.contains("  VI_1  MASTER  priority 100/90  eth0 vrid 51 v3"))
            #expect(status.stdout.contains("    master 192.0.2.1  VIPs 192.0.2.10/32  since "))
            #expect(status.stdout.contains("(higher priority)"))
            #expect(status.stdout.contains("  192.0.2.10:80\n    192.0.2.20:80  healthy  weight 3  ENABLED"))
            #expect(status.stdout.contains("Scripts: none"))

            let json = try await runKactl(["status", "--json", "--bus-address", bus.address])
            let document = try #require(
                try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let instance = try #require((document["instances"] as? [[String: Any]])?.first)
            #expect(instance["name"] as? String == "VI_1")
            #expect(instance["path"] as? String == "/org/keepalive/Vrrp1/instance/VI_5f1")
            let properties = try #require(instance["properties"] as? [String: Any])
            #expect(properties["State"] as? String == "MASTER")
            #expect(properties["EffectivePriority"] as? Int == 90)
            #expect(properties["VirtualAddresses"] as? [String] == ["192.0.2.10/32"])
            #expect((document["realServers"] as? [Any])?.count == 1)
        }
    }

    @Test func controlCommandsCallTheContractMethodsOnTheEscapedPaths() async throws {
        try await withPrivateBus { bus in
            let peer = try await startPeer(on: bus)
            defer { peer.connection.close() }
            let address = ["--bus-address", bus.address]
            let set = try await runKactl(["set-priority", "VI_1", "120"] + address)
            #expect(set.status == 0, "\(set.stderr)")
            #expect(set.stdout == "VI_1: priority set to 120\n")
            #expect(try await runKactl(["reset-priority", "VI_1"] + address).status == 0)
            #expect(try await runKactl(["drain", "192.0.2.10:80", "192.0.2.20:80"] + address).status == 0)
            // The real server by its labels or by the VirtualServer/Address properties alike.
            #expect(try await runKactl(["enable", "192.0.2.10:80", "192.0.2.20"] + address).status == 0)
            #expect(
                peer.calls.all == [
                    "/org/keepalive/Vrrp1/instance/VI_5f1 SetPriority(byte 120)",
                    "/org/keepalive/Vrrp1/instance/VI_5f1 ResetPriority()",
                    "/org/keepalive/Check1/realserver/192_2e0_2e2_2e10_3a80/192_2e0_2e2_2e20_3a80 Drain()",
                    "/org/keepalive/Check1/realserver/192_2e0_2e2_2e10_3a80/192_2e0_2e2_2e20_3a80 Enable()",
                ])

            let refused = try await runKactl(["switchover", "VI_1"] + address)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("vrrpd: permission denied: not authorized"))

            let missing = try await runKactl(["set-priority", "VI_2", "120"] + address)
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("no VRRP instance named VI_2; known: VI_1"))
            let missingServer = try await runKactl(["disable", "192.0.2.10:80", "192.0.2.21:80"] + address)
            #expect(missingServer.stderr.contains("known: 192.0.2.10:80 192.0.2.20:80"))
        }
    }

    @Test func monitorPrintsStateChangesAndPropertyChangesOfInstances() async throws {
        try await withPrivateBus { bus in
            let peer = try await startPeer(on: bus)
            defer { peer.connection.close() }
            let monitor = try ChildProcess(
                try Repository.binary("kactl"), ["monitor", "--bus-address", bus.address])
            #expect(await monitor.waitForError(containing: "Ctrl-C to stop"))
            try peer.instance.emitSignal(
                "org.keepalive.Vrrp1.Instance", "StateChanged", ["MASTER", "BACKUP", "higher priority advert"])
            try peer.instance.updateProperty("org.keepalive.Vrrp1.Instance", "EffectivePriority", .byte(80))
            #expect(await monitor.waitForOutput(containing: "vrrpd VI_1 MASTER -> BACKUP (higher priority advert)"))
            #expect(await monitor.waitForOutput(containing: "vrrpd VI_1 EffectivePriority=80"))
            monitor.signal(SIGINT)
            #expect(await monitor.wait(seconds: 20).status == 0)
        }
    }

    @Test(arguments: [false, true])
    func monitorHidesPacketCountersUnlessAskedWithStats(stats: Bool) async throws {
        try await withPrivateBus { bus in
            let peer = try await startPeer(on: bus)
            defer { peer.connection.close() }
            let monitor = try ChildProcess(
                try Repository.binary("kactl"),
                ["monitor", "--bus-address", bus.address] + (stats ? ["--stats"] : []))
            #expect(await monitor.waitForError(containing: "Ctrl-C to stop"))
            let counters = DBusValue.dictionary(
                key: .string, value: .dictionary(key: .string, value: .uint64),
                [.string("VI_1"): .dictionary(key: .string, value: .uint64, [.string("advert_rcvd"): .uint64(5)])])
            try peer.vrrpRoot.updateProperty("org.keepalive.Vrrp1", "Stats", counters)
            // Signals from one sender arrive in order: once this line is out, a Stats line would be too.
            try peer.instance.emitSignal("org.keepalive.Vrrp1.Instance", "StateChanged", ["BACKUP", "MASTER", ""])
            #expect(await monitor.waitForOutput(containing: "vrrpd VI_1 BACKUP -> MASTER\n"))
            monitor.signal(SIGINT)
            let output = await monitor.wait(seconds: 20).stdout
            #expect(output.contains("vrrpd /org/keepalive/Vrrp1 Stats=VI_1=advert_rcvd=5") == stats)
        }
    }
}
