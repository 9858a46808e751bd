import IPVS

/// Turns "what the kernel has" and "what we want" into the fewest operations.
///
/// - A service we want and the kernel has is adopted as it is: only settings that differ are
///   edited, so its connections survive a restart of ipvsd. Nothing is ever flushed.
/// - Inside a service we want, every destination is ours: one added by hand is removed, a weight
///   changed by hand is put back (drift repair).
/// - A service we do not want is deleted only when `retired` says an earlier configuration
///   declared it; anything else in the kernel belongs to someone else and is left alone.
/// - Within a service, adds come before edits and deletes (make before break: the sorry server
///   is in before the last real server leaves), and retired services go last.
public enum TablePlanner {
    public static func plan(
        desired: IPVSTable, kernel: IPVSTable, retired: Set<IPVSService.Key> = [],
        frozen: Set<IPVSService.Key> = []
    ) -> [TableOperation] {
        var operations: [TableOperation] = []
        for key in desired.sortedKeys {
            guard let wanted = desired.entries[key] else { continue }
            guard let existing = kernel.entries[key] else {
                operations.append(.addService(wanted.service.settingsOnly))
                operations += wanted.sortedDestinations.map { .addDestination($0.settingsOnly, to: key) }
                continue
            }
            if !existing.service.hasSameSettings(as: wanted.service) {
                operations.append(.editService(wanted.service.settingsOnly, was: existing.service.settingsOnly))
            }
            if frozen.contains(key) { continue }
            operations += destinationChanges(key, wanted: wanted, existing: existing)
        }
        for key in kernel.sortedKeys where desired.entries[key] == nil && retired.contains(key) {
            operations.append(.deleteService(key))
        }
        return operations
    }

    private static func destinationChanges(
        _ key: IPVSService.Key, wanted: IPVSTable.Entry, existing: IPVSTable.Entry
    ) -> [TableOperation] {
        // Unordered walks, then only the changes sorted: a pass that changes nothing (most
        // repair passes over a large table) sorts nothing.
        var adds: [IPVSDestination] = []
        var edits: [(wanted: IPVSDestination, current: IPVSDestination)] = []
        for (endpoint, destination) in wanted.destinations {
            if let current = existing.destinations[endpoint] {
                if !current.hasSameSettings(as: destination) { edits.append((destination, current)) }
            } else {
                adds.append(destination)
            }
        }
        let deletes = existing.destinations.keys.filter { wanted.destinations[$0] == nil }
        return adds.sorted { $0.endpoint < $1.endpoint }.map { .addDestination($0.settingsOnly, to: key) }
            + edits.sorted { $0.wanted.endpoint < $1.wanted.endpoint }.map {
                .editDestination($0.wanted.settingsOnly, was: $0.current.settingsOnly, of: key)
            }
            + deletes.sorted().map { .deleteDestination($0, from: key) }
    }
}
