import DaemonKit
import IPVS
import KeepalivedConfig
import Logging
import Netlink

/// What one reconcile pass did, for the bus (`TableChanged`, Service objects, `Sync()`).
public struct SyncOutcome: Sendable {
    /// The operations the kernel accepted, in keepalived's words.
    public var applied: [String]
    public var failures: [OperationFailure]
    public var views: [VirtualServerView]
}

/// ipvsd's kernel side: owns the `TableState` and the kernel table. Every pass reads the
/// kernel, lets the engine plan, applies the plan and logs it: on start (adopting what is
/// there), on reload, on every checkd report, every `interval` (repairing hand changes), and
/// on `Sync()`. Nothing here needs systemd or the bus: in the test VM it runs as it does in
/// production.
public actor Reconciler {
    private var state: TableState
    private let executor: TableExecutor
    private let logger: Logger
    private let scripts: QuorumScripts
    private var lastViews: [VirtualServerView] = []
    private var observer: (@Sendable (SyncOutcome) async -> Void)?
    private let record: OwnershipRecord
    private var recorded: Set<String>?

    /// `ownershipFile` remembers which services are ipvsd's across its restarts.
    public init(
        ipvs: IPVS, configuration: KeepalivedConfiguration, logger: Logger,
        ownershipFile: String = "/run/keepalive/ipvsd.services"
    ) {
        self.state = TableState(configuration: configuration)
        self.record = OwnershipRecord(path: ownershipFile)
        self.executor = TableExecutor(ipvs: ipvs)
        self.logger = logger
        self.scripts = QuorumScripts(logger: logger)
    }

    /// Called after every pass (the D-Bus side publishes from it).
    public func observe(_ observer: @escaping @Sendable (SyncOutcome) async -> Void) {
        self.observer = observer
    }

    /// Reads the kernel, plans, applies, logs; throws only when the table cannot be read.
    @discardableResult
    public func sync(reason: String) async throws(IPVSError) -> SyncOutcome {
        refreshSuspension()
        let kernel = try executor.read()
        if recorded == nil {
            let earlier = record.read()
            state.retire(recorded: earlier, kernel: kernel)
            recorded = earlier
        }
        let step = state.step(kernel: kernel)
        for event in step.quorumEvents {
            logger.info("\(event)")
            scripts.run(event)
        }
        if !step.operations.isEmpty {
            logger.info("Reconciling the IPVS table (\(reason)): \(step.operations.count) operation(s)")
        }
        let failures = executor.apply(step.operations)
        var applied: [String] = []
        let refused = Set(failures.map(\.operation))
        for operation in step.operations {
            if refused.contains(operation), let failure = failures.first(where: { $0.operation == operation }) {
                logger.error("\(failure)")
            } else {
                let text = operation.description
                logger.info("\(text)")
                applied.append(text)
            }
        }
        for view in step.views where view.error != nil && !lastViews.contains(view) {
            logger.error("\(view.error!)")
        }
        lastViews = step.views
        remember(Set(step.views.flatMap(\.keys).map(\.description)).union(state.retired.map(\.description)))
        let outcome = SyncOutcome(applied: applied, failures: failures, views: step.views)
        await observer?(outcome)
        return outcome
    }

    /// Keeps the ownership record in step with what this configuration (and the retired
    /// services not yet removed) declare.
    private func remember(_ keys: Set<String>) {
        guard keys != recorded else { return }
        if let problem = record.write(keys) {
            logger.warning("\(problem): a restart will not know which services were ipvsd's")
        }
        recorded = keys
    }

    /// Syncs and logs a failure to read the kernel instead of throwing.
    public func syncLogging(reason: String) async {
        do {
            try await sync(reason: reason)
        } catch {
            logger.error("Cannot read the IPVS table (\(reason)): \(error)")
        }
    }

    public func reload(_ configuration: KeepalivedConfiguration) async {
        state.reload(configuration)
        await syncLogging(reason: "reload")
    }

    /// checkd's report on a real server; applied at once.
    /// checkd's report on a real server. Reports arriving together (checkd's snapshot of
    /// hundreds of servers) share one pass rather than one kernel read each.
    public func report(_ id: RealServerID, _ report: RealServerReport) {
        guard state.reports[id] != report else { return }
        state.report(id, report)
        schedule("\(id) is \(report.healthy ? "up" : "down"), \(report.adminState.rawValue)")
    }

    public func forget(_ id: RealServerID) {
        state.forget(id)
        schedule("\(id) no longer reported")
    }

    private var pendingReasons: [String] = []

    /// Runs one pass soon for everything scheduled until it starts.
    private func schedule(_ reason: String) {
        pendingReasons.append(reason)
        guard pendingReasons.count == 1 else { return }
        Task { await self.runPending() }
    }

    private func runPending() async {
        let reasons = pendingReasons
        pendingReasons = []
        guard !reasons.isEmpty else { return }
        let reason = reasons.count == 1 ? reasons[0] : "\(reasons[0]) and \(reasons.count - 1) more"
        await syncLogging(reason: reason)
    }

    /// The kernel table with counters, and the services this configuration owns.
    public func table() throws(IPVSError) -> (IPVSTable, Set<IPVSService.Key>) {
        (try executor.read(), Set(lastViews.flatMap(\.keys)))
    }

    public var views: [VirtualServerView] { lastViews }

    /// Re-reads and repairs every `interval`, until cancelled; `ha_suspend` follows the host's
    /// addresses at the same pace.
    ///
    /// A pass over a large table on a slow machine can take a good part of `interval`: the pause
    /// is then ten times the last pass, so repairing never takes more than a tenth of ipvsd's
    /// time and reloads and reports do not queue behind it.
    public func repairPeriodically(every interval: Duration) async throws {
        let clock = ContinuousClock()
        var lastPass = Duration.zero
        while true {
            try await Task.sleep(for: max(interval, lastPass * 10))
            let started = clock.now
            await syncLogging(reason: "periodic check")
            lastPass = clock.now - started
        }
    }

    /// Reads the host's addresses when some virtual server has `ha_suspend`.
    func refreshSuspension() {
        guard state.servers.contains(where: \.haSuspend) else { return }
        do {
            let local = Set(try RouteNetlink().addresses().map(\.address))
            let suspended = state.haSuspended(localAddresses: local)
            for name in suspended.subtracting(state.suspended) {
                logger.info(
                    "VS \(name): its address is not on this host; ha_suspend leaves its real servers as they are")
            }
            for name in state.suspended.subtracting(suspended) { logger.info("VS \(name): its address is here again") }
            state.suspended = suspended
        } catch {
            logger.warning("ha_suspend: cannot read this host's addresses: \(error)")
        }
    }

    /// At shutdown the kernel table stays as it is (keepalived removes its services unless run
    /// with `--dont-release-ipvs`; here a stop or `systemctl restart` never breaks connections,
    /// and the next ipvsd adopts the table). With `omega`, `quorum_down` of the virtual servers
    /// that had quorum still runs, as keepalived runs it on its way down.
    public func shutdown() async {
        var omegaScripts: [Task<Void, Never>] = []
        for server in state.servers where server.omega && state.quorumUp[server.displayName] == true {
            let event = QuorumEvent(
                virtualServer: server.displayName, up: false, liveWeight: state.liveWeight(of: server),
                rule: QuorumRule(server), script: server.quorumDown)
            if let task = scripts.run(event) { omegaScripts.append(task) }
        }
        for task in omegaScripts { await task.value }
        logger.info(
            "Leaving the IPVS table as it is (\(Set(lastViews.flatMap(\.keys)).count) service(s) of this configuration)"
        )
    }
}
