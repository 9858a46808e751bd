import DBus
import DaemonKit
import IPVS
import KeepaliveTestSupport
import KeepalivedConfig
import Logging
import Testing

@testable import IPVSDaemon

/// The Service objects and `TableChanged` on a private dbus-daemon, fed by the real engine
/// (the host kernel has no IPVS, so the table is the engine's own simulation of the kernel).
@Suite struct ServiceObjectTests {
    static let busName = "org.keepalive.Ipvs1"

    @Test func serviceObjectsFollowTheEngine() async throws {
        try await withPrivateBus { bus in
            let presence = BusPresence(busName: Self.busName, address: bus.address, logger: Logger(label: "test"))
            let root = try ObjectPath("/org/keepalive/Ipvs1")
            await presence.addObjectManager(at: root)
            try await presence.publish(DBusObject(path: root, introspectionXML: try shippedXML(Self.busName)))
            try await presence.connect()
            defer { Task { await presence.disconnect() } }
            let publisher = ServicePublisher(
                bus: presence, root: root, xml: try shippedXML(ServiceProperties.interface))
            let client = try await bus.connect()
            defer { client.close() }
            let tableChanged = try await client.signals(
                matching: DBusMatchRule(sender: Self.busName, interface: Self.busName, member: "TableChanged"))

            let text = twoServers.replacingOccurrences(of: "lvs_sched rr", with: "lvs_sched rr\n quorum 4")
            var state = TableState(configuration: try configuration(text))
            var (step, kernel) = state.converge(IPVSTable())
            try await publisher.publish(
                SyncOutcome(applied: step.operations.map(\.description), failures: [], views: step.views))

            // TableChanged carries the count and keepalived's lines.
            let signal = try await next(tableChanged)
            #expect(signal.arguments.first == .uint32(3))
            #expect(
                signal.arguments.last?.as([String].self)?.last == "Adding service [10.0.0.3]:80 to VS [10.0.0.1]:80")

            let path = try ServiceProperties.path(root: root, virtualServer: "[10.0.0.1]:80")
            #expect(path.rawValue == "/org/keepalive/Ipvs1/service/_5b10_2e0_2e0_2e1_5d_3a80")
            let objects = try await client.managedObjects(destination: Self.busName, path: root)
            let properties = try #require(objects[path]?[ServiceProperties.interface])
            #expect(properties["VirtualServer"]?.stringValue == "[10.0.0.1]:80")
            #expect(properties["KernelServices"]?.as([String].self) == ["TCP  10.0.0.1:80"])
            #expect(properties["Scheduler"]?.stringValue == "rr")
            #expect(properties["Protocol"]?.stringValue == "TCP")
            #expect(properties["QuorumUp"]?.boolValue == true)
            #expect(properties["LiveWeight"]?.int32Value == 5)
            #expect(properties["Quorum"]?.uint32Value == 4)
            let destinations = try #require(properties["Destinations"]?.arrayValue)
            #expect(destinations.count == 2)
            #expect(destinations.first?.structureValue?.first == .string("[10.0.0.2]:80"))

            // Introspect serves the shipped file.
            let served = try await client.call(
                destination: Self.busName, path: path, interface: "org.freedesktop.DBus.Introspectable",
                method: "Introspect")
            #expect(served.first?.stringValue == (try shippedXML(ServiceProperties.interface)))

            // A real server going down: PropertiesChanged with the new live weight and quorum.
            let changes = try await client.propertiesChanges(
                sender: Self.busName, interface: ServiceProperties.interface, pathNamespace: path)
            state.report(id("[10.0.0.1]:80", "[10.0.0.3]:80"), RealServerReport(healthy: false, weight: 3))
            (step, kernel) = state.converge(kernel)
            try await publisher.publish(
                SyncOutcome(applied: step.operations.map(\.description), failures: [], views: step.views))
            let change = try await next(changes)
            #expect(change.changed["LiveWeight"] == .int32(2))
            #expect(change.changed["QuorumUp"] == .boolean(false))
            #expect(change.changed["Scheduler"] == nil)

            // The virtual server leaves the configuration: its object goes.
            let removals = try await client.objectManagerEvents(sender: Self.busName, path: root)
            state.reload(try configuration(""))
            (step, _) = state.converge(kernel)
            try await publisher.publish(
                SyncOutcome(applied: step.operations.map(\.description), failures: [], views: step.views))
            guard case .removed(let removedPath, let interfaces) = try await next(removals) else {
                Issue.record("expected InterfacesRemoved")
                return
            }
            #expect(removedPath == path)
            #expect(interfaces.contains(ServiceProperties.interface))
            let after = try await client.managedObjects(destination: Self.busName, path: root)
            #expect(after[path] == nil)
        }
    }

    @Test func getTableEncodesWhatIpvsadmShows() throws {
        var service = IPVSService(
            tcp("10.0.0.1", 80), scheduler: "wlc", flags: [.hashed, .onePacket],
            persistence: IPVSPersistence(timeout: 300, prefixLength: 24))
        service.flags.insert(.persistent)
        service.stats.connections = 12
        service.stats.incomingBytes = 3400
        var destination = IPVSDestination(address("10.0.0.2"), port: 8080, forwarding: .directRouting, weight: 3)
        destination.activeConnections = 4
        destination.inactiveConnections = 5
        destination.stats.outgoingPackets = 99
        let fwmark = IPVSService(.firewallMark(7, family: .ipv6), scheduler: "rr")
        let table = IPVSTable([
            IPVSTable.Entry(service: service, destinations: [destination]), IPVSTable.Entry(service: fwmark),
        ])
        let encoded = TableEncoding.encode(table, owned: [service.key])
        #expect(encoded.signature == "aa{sv}")
        let decoded = encoded.arrayValue?.compactMap { $0.stringDictionaryValue }
        let services = try #require(decoded)
        #expect(services.count == 2)
        let named = services.first { $0["Name"]?.unwrapped == .string("[10.0.0.1]:80") }
        let first = try #require(named)
        #expect(first["Key"]?.unwrapped == .string("TCP  10.0.0.1:80"))
        #expect(first["Protocol"]?.unwrapped == .string("TCP"))
        #expect(first["Port"]?.unwrapped == .uint16(80))
        #expect(first["Scheduler"]?.unwrapped == .string("wlc"))
        #expect(first["Flags"]?.unwrapped.as([String].self) == ["persistent", "hashed", "ops"])
        #expect(first["PersistenceTimeout"]?.unwrapped == .uint32(300))
        #expect(first["PersistencePrefix"]?.unwrapped == .uint32(24))
        #expect(first["Owned"]?.unwrapped == .boolean(true))
        #expect(first["Connections"]?.unwrapped == .uint64(12))
        #expect(first["InBytes"]?.unwrapped == .uint64(3400))
        let decodedDestinations = first["Destinations"]?.unwrapped.arrayValue?.compactMap { $0.stringDictionaryValue }
        let destinations = try #require(decodedDestinations)
        let only = try #require(destinations.first)
        #expect(only["Address"]?.unwrapped == .string("10.0.0.2"))
        #expect(only["Port"]?.unwrapped == .uint16(8080))
        #expect(only["Forwarding"]?.unwrapped == .string("Route"))
        #expect(only["Weight"]?.unwrapped == .int32(3))
        #expect(only["ActiveConnections"]?.unwrapped == .uint32(4))
        #expect(only["InactiveConnections"]?.unwrapped == .uint32(5))
        #expect(only["OutPackets"]?.unwrapped == .uint64(99))
        let marked = services.first { $0["Protocol"]?.unwrapped == .string("FWM") }
        let second = try #require(marked)
        #expect(second["FirewallMark"]?.unwrapped == .uint32(7))
        #expect(second["Family"]?.unwrapped == .string("inet6"))
        #expect(second["Owned"]?.unwrapped == .boolean(false))
    }

    @Test func theRootInterfaceDeclaresWhatIpvsdServes() throws {
        var object = try DBusObject(
            path: try ObjectPath("/org/keepalive/Ipvs1"), introspectionXML: try shippedXML(Self.busName))
        let interface = try #require(object.introspection.interface(Self.busName))
        #expect(interface.methods["GetTable"] != nil)
        #expect(interface.methods["Sync"] != nil)
        for name in ["LastSync", "SyncDaemon", "CheckdPresent", "Version", "ConfigFile", "ConfigLoadedAt"] {
            #expect(interface.properties[name] != nil, "\(name)")
        }
        // The encoding has the type GetTable declares.
        try object.onMethod(Self.busName, "GetTable") { _ in [TableEncoding.encode(IPVSTable())] }
        #expect(TableEncoding.encode(IPVSTable()).signature == "aa{sv}")
        let service = try DBusObject(
            path: try ObjectPath("/org/keepalive/Ipvs1/service/x"),
            introspectionXML: try shippedXML(ServiceProperties.interface))
        var copy = service
        let view = TableState(configuration: try configuration(twoServers)).build().views[0]
        for (name, value) in ServiceProperties.of(view) {
            try copy.setProperty(ServiceProperties.interface, name, value)
        }
        #expect(
            service.introspection.interface(ServiceProperties.interface)?.properties.count
                == ServiceProperties.of(view).count)
    }
}
