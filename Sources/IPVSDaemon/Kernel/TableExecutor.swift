import IPVS

/// One operation the kernel refused, naming the service and what was asked.
public struct OperationFailure: Error, Hashable, Sendable, CustomStringConvertible {
    public var operation: TableOperation
    public var error: IPVSError

    public var description: String { "\(operation) failed: \(error)" }
}

/// Reads the kernel's table and applies operations to it through the `IPVS` module. Each
/// operation is one netlink request; a refused one is reported and the next one still runs,
/// so one bad real server never keeps the others out of the table.
public struct TableExecutor: Sendable {
    public let ipvs: IPVS

    public init(ipvs: IPVS) {
        self.ipvs = ipvs
    }

    /// The whole table with counters: every service, then each service's destinations.
    public func read() throws(IPVSError) -> IPVSTable {
        var entries: [IPVSTable.Entry] = []
        for service in try ipvs.services() {
            do {
                entries.append(IPVSTable.Entry(service: service, destinations: try ipvs.destinations(of: service.key)))
            } catch .kernel(_, let errno, _) where errno == 3 {  // ESRCH: deleted between the two reads
                continue
            }
        }
        return IPVSTable(entries)
    }

    /// Applies `operations` in order; returns the ones the kernel refused.
    public func apply(_ operations: [TableOperation]) -> [OperationFailure] {
        var failures: [OperationFailure] = []
        for operation in operations {
            do {
                try apply(operation)
            } catch {
                failures.append(OperationFailure(operation: operation, error: error))
            }
        }
        return failures
    }

    private func apply(_ operation: TableOperation) throws(IPVSError) {
        switch operation {
        case .addService(let service): try ipvs.addService(service)
        case .editService(let service, _): try ipvs.editService(service)
        case .deleteService(let key): try ipvs.deleteService(key)
        case .addDestination(let destination, let key): try ipvs.addDestination(destination, to: key)
        case .editDestination(let destination, _, let key): try ipvs.editDestination(destination, of: key)
        case .deleteDestination(let endpoint, let key):
            try ipvs.deleteDestination(endpoint.address, port: endpoint.port, of: key)
        }
    }
}
