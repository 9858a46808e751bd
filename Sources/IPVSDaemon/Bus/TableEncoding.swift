import DBus
import IPVS

/// `GetTable`'s answer: the kernel table as `aa{sv}`, one dictionary per service with its
/// destinations inside, the fields `ipvsadm -Ln --stats --rate` shows.
public enum TableEncoding {
    public static func encode(_ table: IPVSTable, owned: Set<IPVSService.Key> = []) -> DBusValue {
        .array(
            element: .dictionary(key: .string, value: .variant),
            table.sortedKeys.compactMap { key in table.entries[key].map { encode($0, owned: owned.contains(key)) } })
    }

    static func encode(_ entry: IPVSTable.Entry, owned: Bool) -> DBusValue {
        let service = entry.service
        var fields: [String: DBusValue] = [
            "Name": .string(service.key.keepalivedName),
            "Key": .string(service.key.description),
            "Family": .string(service.key.family == .ipv4 ? "inet" : "inet6"),
            "Scheduler": .string(service.scheduler),
            "Flags": .array(element: .string, flagNames(service.flags).map { .string($0) }),
            "PersistenceTimeout": .uint32(service.persistence?.timeout ?? 0),
            "PersistencePrefix": .uint32(UInt32(service.persistence?.prefixLength ?? 0)),
            "PersistenceEngine": .string(service.persistenceEngine ?? ""),
            "Owned": .boolean(owned),
            "Destinations": .array(
                element: .dictionary(key: .string, value: .variant), entry.sortedDestinations.map(encode)),
        ]
        switch service.key {
        case .address(let proto, let address, let port):
            fields["Protocol"] = .string(proto.rawValue.uppercased())
            fields["Address"] = .string("\(address)")
            fields["Port"] = .uint16(port)
            fields["FirewallMark"] = .uint32(0)
        case .firewallMark(let mark, _):
            fields["Protocol"] = .string("FWM")
            fields["Address"] = .string("")
            fields["Port"] = .uint16(0)
            fields["FirewallMark"] = .uint32(mark)
        }
        fields.merge(counters(service.stats), uniquingKeysWith: { _, new in new })
        return .dictionary(fields)
    }

    static func encode(_ destination: IPVSDestination) -> DBusValue {
        var fields: [String: DBusValue] = [
            "Address": .string("\(destination.address)"),
            "Port": .uint16(destination.port),
            "Forwarding": .string(destination.forwarding.ipvsadmName),
            "Weight": .int32(destination.weight),
            "UpperThreshold": .uint32(destination.upperThreshold),
            "LowerThreshold": .uint32(destination.lowerThreshold),
            "ActiveConnections": .uint32(destination.activeConnections),
            "InactiveConnections": .uint32(destination.inactiveConnections),
            "PersistentConnections": .uint32(destination.persistentConnections),
        ]
        fields.merge(counters(destination.stats), uniquingKeysWith: { _, new in new })
        return .dictionary(fields)
    }

    static func counters(_ stats: IPVSStats) -> [String: DBusValue] {
        [
            "Connections": .uint64(stats.connections),
            "InPackets": .uint64(stats.incomingPackets),
            "OutPackets": .uint64(stats.outgoingPackets),
            "InBytes": .uint64(stats.incomingBytes),
            "OutBytes": .uint64(stats.outgoingBytes),
            "ConnectionsPerSecond": .uint64(stats.connectionsPerSecond),
            "InPacketsPerSecond": .uint64(stats.incomingPacketsPerSecond),
            "OutPacketsPerSecond": .uint64(stats.outgoingPacketsPerSecond),
            "InBytesPerSecond": .uint64(stats.incomingBytesPerSecond),
            "OutBytesPerSecond": .uint64(stats.outgoingBytesPerSecond),
        ]
    }

    /// ipvsadm's words for the flags: persistent, hashed, ops, flag-1..3.
    static func flagNames(_ flags: IPVSServiceFlags) -> [String] {
        let names: [(IPVSServiceFlags, String)] = [
            (.persistent, "persistent"), (.hashed, "hashed"), (.onePacket, "ops"), (.schedulerFlag1, "flag-1"),
            (.schedulerFlag2, "flag-2"), (.schedulerFlag3, "flag-3"),
        ]
        return names.filter { flags.contains($0.0) }.map(\.1)
    }
}

/// A Service object's properties from what the engine made of its virtual server.
public enum ServiceProperties {
    public static let interface = "org.keepalive.Ipvs1.Service"

    public static func path(root: ObjectPath, virtualServer: String) throws -> ObjectPath {
        try ObjectPath(root.rawValue + "/service").appending(escaping: virtualServer)
    }

    public static func of(_ view: VirtualServerView) -> [String: DBusValue] {
        [
            "VirtualServer": .string(view.name),
            "KernelServices": .array(element: .string, view.keys.map { .string($0.description) }),
            "Scheduler": .string(view.scheduler),
            "Protocol": .string(view.protocolName),
            "Forwarding": .string(view.forwarding.ipvsadmName),
            "Quorum": .uint32(UInt32(clamping: view.quorum.quorum)),
            "Hysteresis": .uint32(UInt32(clamping: view.quorum.hysteresis)),
            "QuorumUp": .boolean(view.quorumUp),
            "LiveWeight": .int32(Int32(clamping: view.liveWeight)),
            "SorryServerActive": .boolean(view.sorryServerActive),
            "Suspended": .boolean(view.suspended),
            "Destinations": .array(
                element: .structure([.string, .string, .int32, .string, .boolean]),
                view.destinations.map {
                    .structure([
                        .string($0.name), .string($0.state.rawValue), .int32(Int32(clamping: $0.weight)),
                        .string($0.forwarding.ipvsadmName), .boolean($0.healthy),
                    ])
                }),
            "LastError": .string(view.error?.description ?? ""),
        ]
    }
}
