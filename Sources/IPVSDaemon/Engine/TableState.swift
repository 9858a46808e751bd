import IPVS
import KeepalivedConfig

/// The reconcile engine: the configuration, checkd's reports and each virtual server's quorum,
/// giving the table ipvsd wants and the operations that bring the kernel there. Pure: the
/// daemon (`Reconciler`) reads the kernel, calls `step`, and applies what it returns.
public struct TableState: Sendable {
    public private(set) var servers: [VirtualServer] = []
    /// Each virtual server's real servers' display names, made once per configuration rather
    /// than on every pass (ten thousand of them in a large table).
    private(set) var realServerNames: [[String]] = []
    private(set) var groups: [String: VirtualServerGroup] = [:]
    public private(set) var reports: [RealServerID: RealServerReport] = [:]
    /// Quorum state by virtual server name; kept across reloads, as keepalived keeps it.
    public private(set) var quorumUp: [String: Bool] = [:]
    /// Services an earlier configuration declared and the current one does not: ours to delete.
    public private(set) var retired: Set<IPVSService.Key> = []
    /// Virtual servers with `ha_suspend` whose address this host does not hold.
    public var suspended: Set<String> = []

    /// What one step decided.
    public struct Step: Sendable {
        public var operations: [TableOperation]
        public var quorumEvents: [QuorumEvent]
        public var desired: IPVSTable
        public var views: [VirtualServerView]
    }

    public init(configuration: KeepalivedConfiguration) {
        load(configuration)
    }

    /// A reload: services the old configuration declared and the new one does not are retired
    /// (deleted at the next step); everything else is adopted as it is.
    public mutating func reload(_ configuration: KeepalivedConfiguration) {
        let before = declaredKeys()
        load(configuration)
        let after = declaredKeys()
        retired.formUnion(before.subtracting(after))
        retired.subtract(after)
        let names = Set(servers.map(\.displayName))
        quorumUp = quorumUp.filter { names.contains($0.key) }
    }

    private mutating func load(_ configuration: KeepalivedConfiguration) {
        servers = configuration.virtualServers
        realServerNames = servers.map { $0.realServers.map(\.displayName) }
        groups = Dictionary(
            configuration.virtualServerGroups.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// checkd's latest word on one real server.
    public mutating func report(_ id: RealServerID, _ report: RealServerReport) {
        reports[id] = report
    }

    /// Forgets a real server's report (its object disappeared while checkd stays): it then
    /// counts as its configuration says (up, or down with `alpha`).
    public mutating func forget(_ id: RealServerID) {
        reports[id] = nil
    }

    /// Updates quorums, then plans against `kernel`. Retired services the kernel no longer has
    /// are forgotten.
    public mutating func step(kernel: IPVSTable) -> Step {
        let events = updateQuorums()
        let built = build()
        let operations = TablePlanner.plan(
            desired: built.table, kernel: kernel, retired: retired, frozen: built.frozen)
        retired = retired.filter { kernel.entries[$0] != nil }
        return Step(operations: operations, quorumEvents: events, desired: built.table, views: built.views)
    }

    /// The quorum changes since the last call (none for a virtual server seen the first time:
    /// its state starts from the rule, as keepalived's does).
    public mutating func updateQuorums() -> [QuorumEvent] {
        var events: [QuorumEvent] = []
        for (server, names) in zip(servers, realServerNames) {
            let rule = QuorumRule(server)
            let weight = Self.liveWeight(statuses(of: server, realServerNames: names))
            guard let up = quorumUp[server.displayName] else {
                quorumUp[server.displayName] = rule.initiallyUp(liveWeight: weight)
                continue
            }
            let next = rule.next(up: up, liveWeight: weight)
            guard next != up else { continue }
            quorumUp[server.displayName] = next
            events.append(
                QuorumEvent(
                    virtualServer: server.displayName, up: next, liveWeight: weight, rule: rule,
                    script: next ? server.quorumUp : server.quorumDown))
        }
        return events
    }

    /// The sum of the weights of the real servers that are up (DRAINED ones count 0).
    public func liveWeight(of server: VirtualServer) -> Int {
        Self.liveWeight(statuses(of: server))
    }

    static func liveWeight(_ statuses: [RealServerStatus]) -> Int {
        statuses.reduce(0) { sum, status in status.live ? sum + status.weight : sum }
    }

    /// Each real server's status, in the configuration's order; `realServerNames` saves
    /// making their names again.
    func statuses(of server: VirtualServer, realServerNames names: [String]? = nil) -> [RealServerStatus] {
        // Without reports (no checkd yet) every real server counts as configured: no names to
        // build for ten thousand lookups in an empty dictionary.
        guard !reports.isEmpty else { return server.realServers.map { status(of: $0, in: server, id: nil) } }
        let name = server.displayName
        return server.realServers.enumerated().map { index, real in
            let id = RealServerID(virtualServer: name, realServer: names?[index] ?? real.displayName)
            return status(of: real, in: server, id: id)
        }
    }

    struct RealServerStatus {
        var live: Bool
        var healthy: Bool
        var weight: Int
        var adminState: RealServerReport.AdminState
        var inhibit: Bool
    }

    /// A real server as checkd reports it; before any report, up unless `alpha` says it starts down.
    func status(of real: RealServer, in server: VirtualServer, id: RealServerID?) -> RealServerStatus {
        let configured = RealServerReport(healthy: !(real.alpha ?? server.alpha), weight: real.weight)
        let report = id.flatMap { reports[$0] } ?? configured
        let weight = report.adminState == .drained ? 0 : max(0, report.weight)
        return RealServerStatus(
            live: report.healthy && report.adminState != .disabled, healthy: report.healthy, weight: weight,
            adminState: report.adminState, inhibit: real.inhibitOnFailure ?? server.inhibitOnFailure)
    }
}

extension TableState {
    /// The virtual servers with `ha_suspend` whose addresses are none of `localAddresses`:
    /// keepalived suspends them until one of their addresses is on this host (fwmark services
    /// have no address and are never suspended).
    public func haSuspended(localAddresses: Set<KernelAddress>) -> Set<String> {
        var names: Set<String> = []
        for server in servers where server.haSuspend {
            guard let keys = try? ServiceExpansion.keys(of: server, groups: groups) else { continue }
            let addresses = keys.compactMap { key -> KernelAddress? in
                if case .address(_, let address, _) = key { return address }
                return nil
            }
            if !addresses.isEmpty, !addresses.contains(where: localAddresses.contains) {
                names.insert(server.displayName)
            }
        }
        return names
    }
}

extension TableState {
    /// The kernel services this configuration declares: those of every virtual server that
    /// expands without error. Cheaper than a build: no destinations.
    func declaredKeys() -> Set<IPVSService.Key> {
        var declared: Set<IPVSService.Key> = []
        for server in servers {
            guard let keys = try? ServiceExpansion.keys(of: server, groups: groups),
                (try? keys.map { key throws(TableError) in try ServiceExpansion.service(key, of: server) }) != nil
            else { continue }
            declared.formUnion(keys)
        }
        return declared
    }

    /// Services an earlier run of ipvsd declared (`recorded`, by their ipvsadm key) that the
    /// kernel still has and this configuration does not: retired, so the next step removes them.
    public mutating func retire(recorded: Set<String>, kernel: IPVSTable) {
        let wanted = declaredKeys()
        for key in kernel.entries.keys where recorded.contains(key.description) && !wanted.contains(key) {
            retired.insert(key)
        }
    }
}
