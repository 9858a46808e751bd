import IPVS

/// A whole IPVS table as a value: what the kernel has (read with `KernelTable.read`) or what the
/// configuration and checkd's reports want (`TableState.desired`). Diffing two of these is
/// how ipvsd decides what to change.
public struct IPVSTable: Hashable, Sendable {
    /// One service and its destinations by address and port.
    public struct Entry: Hashable, Sendable {
        public var service: IPVSService
        public var destinations: [Endpoint: IPVSDestination]

        public init(service: IPVSService, destinations: [IPVSDestination] = []) {
            self.service = service
            self.destinations = Dictionary(
                destinations.map { ($0.endpoint, $0) }, uniquingKeysWith: { _, last in last })
        }

        /// Destinations in a stable order (address, then port), as `ipvsadm -Ln` lists them.
        public var sortedDestinations: [IPVSDestination] {
            destinations.keys.sorted().compactMap { destinations[$0] }
        }
    }

    public var entries: [IPVSService.Key: Entry]

    public init(_ entries: [Entry] = []) {
        self.entries = Dictionary(entries.map { ($0.service.key, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// Services in a stable order (their ipvsadm text), so plans and listings are reproducible.
    public var sortedKeys: [IPVSService.Key] {
        entries.keys.sorted { $0.description < $1.description }
    }
}

extension IPVSService {
    /// True when an edit would change nothing: scheduler, flags, persistence and engine agree.
    /// Counters and the kernel's own `persistent`/`hashed` bits do not count.
    func hasSameSettings(as other: IPVSService) -> Bool {
        let ignored: IPVSServiceFlags = [.persistent, .hashed]
        return scheduler == other.scheduler && flags.subtracting(ignored) == other.flags.subtracting(ignored)
            && persistence == other.persistence
            && (persistenceEngine ?? "") == (other.persistenceEngine ?? "")
    }

    /// The settings only, counters zeroed: what a plan carries.
    var settingsOnly: IPVSService {
        var copy = self
        copy.stats = IPVSStats()
        copy.flags.subtract([.persistent, .hashed])
        return copy
    }
}

extension IPVSDestination {
    /// True when an edit would change nothing: forwarding, weight and thresholds agree.
    func hasSameSettings(as other: IPVSDestination) -> Bool {
        forwarding == other.forwarding && weight == other.weight && upperThreshold == other.upperThreshold
            && lowerThreshold == other.lowerThreshold
    }

    var settingsOnly: IPVSDestination {
        IPVSDestination(
            address, port: port, forwarding: forwarding, weight: weight, upperThreshold: upperThreshold,
            lowerThreshold: lowerThreshold)
    }
}
