import DBus
import DaemonKit
import KeepaliveTestSupport
import Logging
import Synchronization
import Testing

@testable import IPVSDaemon

/// Publishes RealServer objects the way checkd's contract (dbus/org.keepalive.Check1.RealServer.xml)
/// says, on a private bus: checkd itself is built on another branch.
struct RealServerPublisher {
    let connection: DBusConnection
    let objects: [String: DBusExportedObject]

    static func start(address: String, servers: [(vs: String, rs: String, healthy: Bool)]) async throws
        -> RealServerPublisher
    {
        let connection = try await DBusConnection.connect(address: address)
        let root = try ObjectPath("/org/keepalive/Check1")
        await connection.addObjectManager(at: root)
        var objects: [String: DBusExportedObject] = [:]
        for server in servers {
            let path = try ObjectPath(root.rawValue + "/realserver").appending(escaping: server.vs)
                .appending(escaping: server.rs)
            var object = try DBusObject(path: path, introspectionXML: try shippedXML(CheckdFollower.interface))
            let interface = CheckdFollower.interface
            try object.setProperty(interface, "VirtualServer", .string(server.vs))
            try object.setProperty(interface, "Healthy", .boolean(server.healthy))
            try object.setProperty(interface, "Weight", .int32(2))
            try object.setProperty(interface, "AdminState", .string("ENABLED"))
            objects[server.rs] = try await connection.export(object)
        }
        try await connection.requestName(CheckdFollower.busName)
        return RealServerPublisher(connection: connection, objects: objects)
    }
}

/// What the follower handed on, in order.
final class Deliveries: Sendable {
    let items = Mutex<[String]>([])

    func append(_ line: String) { items.withLock { $0.append(line) } }
    var all: [String] { items.withLock { $0 } }
}

@Suite struct CheckdFollowerTests {
    @Test func followsRealServersAcrossCheckdRestarts() async throws {
        try await withPrivateBus { bus in
            let presence = BusPresence(
                busName: "org.keepalive.Ipvs1", address: bus.address, logger: Logger(label: "test"))
            try await presence.connect()
            let deliveries = Deliveries()
            let follower = CheckdFollower(
                logger: Logger(label: "test"),
                deliver: { id, report in
                    deliveries.append(
                        "\(id.virtualServer) \(id.realServer) "
                            + (report.map { "\($0.healthy) \($0.weight) \($0.adminState.rawValue)" } ?? "gone"))
                },
                presenceChanged: { present in deliveries.append("checkd \(present)") })
            let task = Task { try await follower.run(bus: presence) }
            defer {
                task.cancel()
                Task { await presence.disconnect() }
            }
            #expect(try await eventually { deliveries.all.contains("checkd false") })

            let checkd = try await RealServerPublisher.start(
                address: bus.address,
                servers: [("[10.0.0.1]:80", "[10.0.0.2]:80", true), ("[10.0.0.1]:80", "[10.0.0.3]:80", false)])
            #expect(try await eventually { deliveries.all.contains("[10.0.0.1]:80 [10.0.0.3]:80 false 2 ENABLED") })
            #expect(deliveries.all.contains("[10.0.0.1]:80 [10.0.0.2]:80 true 2 ENABLED"))
            #expect(deliveries.all.contains("checkd true"))

            try checkd.objects["[10.0.0.2]:80"]?.updateProperties(
                CheckdFollower.interface, ["AdminState": .string("DRAINED"), "Weight": .int32(5)])
            #expect(try await eventually { deliveries.all.contains("[10.0.0.1]:80 [10.0.0.2]:80 true 5 DRAINED") })

            await checkd.objects["[10.0.0.3]:80"]?.unexport()
            #expect(try await eventually { deliveries.all.contains("[10.0.0.1]:80 [10.0.0.3]:80 gone") })

            // checkd leaves: nothing is forgotten, only its absence is noted.
            let before = deliveries.all.count
            checkd.connection.close()
            #expect(try await eventually { deliveries.all.suffix(from: before).contains("checkd false") })
            #expect(!deliveries.all.suffix(from: before).contains { $0.hasSuffix("gone") })

            // checkd comes back with one server: the snapshot replaces what was known.
            let again = try await RealServerPublisher.start(
                address: bus.address, servers: [("[10.0.0.1]:80", "[10.0.0.3]:80", true)])
            defer { again.connection.close() }
            #expect(try await eventually { deliveries.all.contains("[10.0.0.1]:80 [10.0.0.3]:80 true 2 ENABLED") })
            #expect(try await eventually { deliveries.all.contains("[10.0.0.1]:80 [10.0.0.2]:80 gone") })
        }
    }

    @Test func objectPathsGiveBackKeepalivedsNames() throws {
        let path = try ObjectPath("/org/keepalive/Check1/realserver").appending(escaping: "[2001:db8::1]:53/udp")
            .appending(escaping: "[2001:db8::2]:53")
        #expect(CheckdFollower.realServerID(path) == id("[2001:db8::1]:53/udp", "[2001:db8::2]:53"))
        #expect(CheckdFollower.realServerID(try ObjectPath("/org/keepalive/Check1/script/x")) == nil)
    }
}
