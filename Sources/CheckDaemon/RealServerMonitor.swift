import DBus
import DaemonKit
import HealthCheckers
import Logging
import Synchronization

/// Checks one real server: rounds per checker on their own schedule, the verdicts combined by
/// `RealServerHealth`, keepalived's log lines, notify_up/notify_down and alerts on every flip,
/// and every change published on the server's object. `ha_suspend` pauses the checkers.
///
/// A `RepeatingProbe` (TCP_CHECK) records its rounds on its poller's thread, into `book`; only a
/// round that changes something (a transition, the weight, health, the failure) reaches the
/// actor. At 10,000 checks a second that saves a task wake-up per check.
actor RealServerMonitor {
    let spec: RealServerSpec
    private var probes: [any RealServerProbe]
    private var notifier: ServerNotifier
    private let logger: Logger
    private let clock = ContinuousClock()
    private let origin: ContinuousClock.Instant
    /// The checkers' verdicts and schedules, shared with the pollers' threads.
    private let book: Mutex<RealServerHealth>
    private var admin: AdminState = .enabled
    private var object: PublishedObject?
    /// What runs each checker's rounds, by checker index; empty while stopped or suspended.
    private var runners: [Runner] = []
    private let changes: (stream: AsyncStream<Round>, continuation: AsyncStream<Round>.Continuation)
    private var consumer: Task<Void, Never>?
    private var suspended = false
    private var running = false
    /// The `LastError` the object shows: only a change is published (a check a second per
    /// server would otherwise cost a bus update each).
    private(set) var publishedError: String

    /// A checker's rounds: the probe's own on its poller, or a task that sleeps and attempts.
    private enum Runner {
        case rounds(ProbeRounds)
        case task(Task<Void, Never>)

        func stop() {
            switch self {
            case .rounds(let rounds): rounds.stop()
            case .task(let task): task.cancel()
            }
        }
    }

    /// One recorded attempt that changed something the actor acts on.
    struct Round: Sendable {
        var checker: Int
        var change: RealServerHealth.Change
        /// The checker's failure differs from its previous attempt's: LastError may change.
        var failureChanged: Bool
    }

    /// - Parameter warmupFraction: picks each checker's random part of warmup (tests pass a
    ///   fixed one).
    init(
        _ spec: RealServerSpec, probes: [any RealServerProbe], notifier: ServerNotifier, logger: Logger,
        warmupFraction: @Sendable () -> Double = { Double.random(in: 0...1) }
    ) {
        self.spec = spec
        self.probes = probes
        self.notifier = notifier
        self.logger = logger
        origin = ContinuousClock.now
        let health = RealServerHealth(
            checkers: spec.checkers.map {
                CheckerSchedule(timing: .init($0.settings), now: .zero, warmupFraction: warmupFraction())
            },
            configuredWeight: spec.weight)
        book = Mutex(health)
        changes = AsyncStream.makeStream(of: Round.self)
        publishedError = health.lastError(keywords: spec.checkers.map(\.keyword), target: spec.realServer)
    }

    var currentHealth: RealServerHealth { book.withLock { $0 } }

    func attach(_ object: PublishedObject) { self.object = object }

    /// Starts checking, unless suspended.
    func start() {
        running = true
        if consumer == nil {
            consumer = Task { for await round in changes.stream { apply(round) } }
        }
        if !suspended { startLoops() }
    }

    /// ha_suspend: pause or resume the checkers; the verdicts are kept while paused.
    func setSuspended(_ suspend: Bool) {
        guard suspend != suspended else { return }
        suspended = suspend
        if suspend {
            logger.info(
                "Suspending checkers of \(spec.realServer) in VS \(spec.virtualServer): this node does not hold its VIP"
            )
            stopLoops()
        } else {
            logger.info("Resuming checkers of \(spec.realServer) in VS \(spec.virtualServer)")
            let now = self.now
            book.withLock { $0.resume(at: now) }
            if running { startLoops() }
        }
    }

    /// After a reload that kept this server: notify scripts and alerts follow the new global_defs
    /// (script_user, enable_script_security, SMTP settings).
    func use(_ notifier: ServerNotifier) { self.notifier = notifier }

    /// After a reload that changed the `SSL` block: these checkers (by index) get the probes
    /// rebuilt with the new client certificate. Their verdicts stay; each is attempted again at
    /// once, since its last verdict was about the old certificate.
    func replaceProbes(_ replacements: [Int: any RealServerProbe]) {
        for (index, probe) in replacements where probes.indices.contains(index) {
            logger.info(
                "\(spec.checkers[index].keyword) on service \(spec.realServer) of VS \(spec.virtualServer): SSL block changed, now presenting its certificate"
            )
            probes[index] = probe
            let now = self.now
            book.withLock { $0.restart(checker: index, at: now) }
            // Runners run (one per probe, in order) unless stopped or suspended; a resume starts
            // the new probe.
            if runners.indices.contains(index) {
                runners[index].stop()
                runners[index] = runner(index, probe)
            }
        }
    }

    /// Drain, Enable or Disable from the bus (already authorized).
    func setAdminState(_ state: AdminState, by caller: String) {
        logger.info("\(state.verb) service \(spec.realServer) of VS \(spec.virtualServer) (asked by \(caller))")
        guard state != admin else { return }
        admin = state
        publish(["AdminState": .string(state.rawValue)])
    }

    /// Stops checking; with `omega` a healthy server's notify_down runs (and is waited for).
    func shutdown(omega: Bool) async {
        running = false
        stopLoops()
        changes.continuation.finish()
        if omega, spec.omega, currentHealth.healthy, let notifyDown = spec.notifyDown {
            _ = await notifier.run(notifyDown, for: spec).value
        }
    }

    private nonisolated var now: Duration { origin.duration(to: ContinuousClock.now) }

    /// `LastError`: the probe module's keepalived line for the first failing checker.
    var lastError: String {
        currentHealth.lastError(keywords: spec.checkers.map(\.keyword), target: spec.realServer)
    }

    private func startLoops() {
        runners = probes.enumerated().map { runner($0, $1) }
    }

    private func stopLoops() {
        for runner in runners { runner.stop() }
        runners = []
    }

    private func runner(_ index: Int, _ probe: any RealServerProbe) -> Runner {
        guard let repeating = probe as? any RepeatingProbe else { return .task(Task { await self.loop(index, probe) }) }
        let first = book.withLock { origin + $0.checkers[index].nextAttempt }
        return .rounds(
            repeating.repeatAttempts(from: first) { [self] result in
                let (round, next) = record(index, result)
                if let round { changes.continuation.yield(round) }
                return next
            })
    }

    /// One checker's rounds, for a probe that does not repeat on its own: sleep, attempt, record.
    private func loop(_ index: Int, _ probe: any RealServerProbe) async {
        var next = book.withLock { origin + $0.checkers[index].nextAttempt }
        while !Task.isCancelled {
            do { try await Task.sleep(until: next, clock: clock) } catch { return }
            let result = await probe.attempt()
            if Task.isCancelled { return }
            let round: Round?
            (round, next) = record(index, result)
            if let round { apply(round) }
        }
    }

    /// Records an attempt of checker `index` (on any thread). - Returns: the round when it changed
    /// something, and when the checker's next attempt starts.
    private nonisolated func record(
        _ index: Int, _ result: ProbeResult
    ) -> (round: Round?, next: ContinuousClock.Instant) {
        let now = self.now
        let (change, failureChanged, next) = book.withLock { health in
            let before = health.checkers[index].lastFailure
            let change = health.record(checker: index, result, at: now)
            let after = health.checkers[index].lastFailure
            return (change, before != after, origin + health.checkers[index].nextAttempt)
        }
        let quiet: Bool
        switch change.checker {
        case nil: quiet = true
        case .stillDown(let failure):
            quiet = true
            logger.debug("\(failure.logLine(keyword: spec.checkers[index].keyword, target: spec.realServer))")
        default: quiet = false
        }
        guard !quiet || failureChanged || change.healthy != nil || change.weight != nil else { return (nil, next) }
        return (Round(checker: index, change: change, failureChanged: failureChanged), next)
    }

    /// Logs, publishes and notifies what a round changed.
    private func apply(_ round: Round) {
        let index = round.checker
        let change = round.change
        let keyword = spec.checkers[index].keyword
        let target = spec.realServer
        var service: String { "\(keyword) on service \(spec.realServer) of VS \(spec.virtualServer)" }
        switch change.checker {
        case .up: logger.info("\(service) succeeded")
        case .down(let failure):
            logger.warning("\(failure.logLine(keyword: keyword, target: target))")
            logger.warning("\(service) failed after \(spec.checkers[index].settings.retry) retries")
        case .retrying(let failure, let attempt, let retries):
            logger.info("\(failure.logLine(keyword: keyword, target: target)) (retry \(attempt) of \(retries))")
        case .stillDown, nil: break
        }
        var changes: [String: DBusValue] = [:]
        // LastError names the first checker that is down with its failure: only a new failure or
        // a checker going up or down can change it.
        var flipped: Bool {
            switch change.checker {
            case .up, .down: true
            default: false
            }
        }
        if round.failureChanged || flipped {
            let lastError = self.lastError
            if lastError != publishedError {
                publishedError = lastError
                changes["LastError"] = .string(lastError)
            }
        }
        if let weight = change.weight { changes["Weight"] = .int32(Int32(clamping: weight)) }
        if let healthy = change.healthy {
            changes["Healthy"] = .boolean(healthy)
            if healthy {
                logger.info("Adding service \(spec.realServer) to VS \(spec.virtualServer)")
                if let notifyUp = spec.notifyUp { notifier.run(notifyUp, for: spec) }
            } else {
                logger.warning("Removing service \(spec.realServer) from VS \(spec.virtualServer)")
                if let notifyDown = spec.notifyDown { notifier.run(notifyDown, for: spec) }
            }
            if spec.smtpAlert { notifier.alert(spec, healthy: healthy, reason: publishedError) }
        }
        if !changes.isEmpty { publish(changes) }
    }

    private func publish(_ changes: [String: DBusValue]) {
        do { try object?.update(RealServerObject.interface, changes) } catch {
            logger.warning("Cannot publish the state of \(spec.realServer) in VS \(spec.virtualServer): \(error)")
        }
    }
}

extension AdminState {
    /// The log line's verb.
    var verb: String {
        switch self {
        case .enabled: "Enabling"
        case .drained: "Draining"
        case .disabled: "Disabling"
        }
    }
}
