import IPVS

/// One change to the kernel's table: what `ipvsadm -A/-E/-D/-a/-e/-d` does, with the words
/// keepalived logs for it.
public enum TableOperation: Hashable, Sendable, CustomStringConvertible {
    case addService(IPVSService)
    case editService(IPVSService, was: IPVSService)
    case deleteService(IPVSService.Key)
    case addDestination(IPVSDestination, to: IPVSService.Key)
    case editDestination(IPVSDestination, was: IPVSDestination, of: IPVSService.Key)
    case deleteDestination(Endpoint, from: IPVSService.Key)

    /// The service the operation touches.
    public var serviceKey: IPVSService.Key {
        switch self {
        case .addService(let service), .editService(let service, _): service.key
        case .deleteService(let key), .addDestination(_, let key), .editDestination(_, _, let key),
            .deleteDestination(_, let key):
            key
        }
    }

    /// keepalived's log line for it, so people grepping for `Removing service` find it.
    public var description: String {
        switch self {
        case .addService(let service):
            return "Adding VS \(service.key.keepalivedName) (\(service.scheduler))"
        case .editService(let service, let old):
            return
                "Changing VS \(service.key.keepalivedName): \(Self.settings(of: old)) -> \(Self.settings(of: service))"
        case .deleteService(let key):
            return "Removing Virtual Server \(key.keepalivedName)"
        case .addDestination(let destination, let key):
            let inhibited = destination.weight == 0 ? " with weight 0" : ""
            return "Adding service \(destination.endpoint) to VS \(key.keepalivedName)\(inhibited)"
        case .editDestination(let destination, let old, let key):
            let name = "service \(destination.endpoint) of VS \(key.keepalivedName)"
            if old.weight == 0, destination.weight > 0, old.forwarding == destination.forwarding {
                return "Enabling \(name) (weight \(destination.weight))"
            }
            if destination.weight == 0, old.weight > 0, old.forwarding == destination.forwarding {
                return "Disabling \(name)"
            }
            if old.weight != destination.weight, old.forwarding == destination.forwarding {
                return "Changing weight from \(old.weight) to \(destination.weight) for \(name)"
            }
            return
                "Changing \(name): \(old.forwarding.ipvsadmName) weight \(old.weight) -> \(destination.forwarding.ipvsadmName) weight \(destination.weight)"
        case .deleteDestination(let endpoint, let key):
            return "Removing service \(endpoint) from VS \(key.keepalivedName)"
        }
    }

    private static func settings(of service: IPVSService) -> String {
        var words = [service.scheduler]
        if let persistence = service.persistence {
            words.append("persistent \(persistence.timeout)s /\(persistence.prefixLength)")
        }
        if let engine = service.persistenceEngine, !engine.isEmpty { words.append("pe \(engine)") }
        let flags = service.flags.subtracting([.persistent, .hashed])
        if !flags.isEmpty { words.append("flags 0x\(String(flags.rawValue, radix: 16))") }
        return words.joined(separator: " ")
    }
}

extension IPVSTable {
    /// The table after `operations`, as the kernel would hold it: lets tests prove that a plan
    /// reaches the desired table without a kernel. An operation the kernel would refuse (a
    /// duplicate, a missing entry) is ignored here, as the executor logs and skips it.
    public func applying(_ operations: [TableOperation]) -> IPVSTable {
        var table = self
        for operation in operations {
            switch operation {
            case .addService(let service):
                if table.entries[service.key] == nil { table.entries[service.key] = Entry(service: service) }
            case .editService(let service, _):
                table.entries[service.key]?.service = service
            case .deleteService(let key):
                table.entries[key] = nil
            case .addDestination(let destination, let key):
                if table.entries[key]?.destinations[destination.endpoint] == nil {
                    table.entries[key]?.destinations[destination.endpoint] = destination
                }
            case .editDestination(let destination, _, let key):
                if table.entries[key]?.destinations[destination.endpoint] != nil {
                    table.entries[key]?.destinations[destination.endpoint] = destination
                }
            case .deleteDestination(let endpoint, let key):
                table.entries[key]?.destinations[endpoint] = nil
            }
        }
        return table
    }
}
