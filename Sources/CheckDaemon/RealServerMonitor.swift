import DBus
import DaemonKit
import HealthCheckers
import Logging

/// Checks one real server: a loop per checker on its own schedule, the verdicts combined by
/// `RealServerHealth`, keepalived's log lines, notify_up/notify_down and alerts on every flip,
/// and every change published on the server's object. `ha_suspend` pauses the loops.
actor RealServerMonitor {
    let spec: RealServerSpec
    private var probes: [any RealServerProbe]
    private var notifier: ServerNotifier
    private let logger: Logger
    private let clock = ContinuousClock()
    private let origin: ContinuousClock.Instant
    private var health: RealServerHealth
    private var admin: AdminState = .enabled
    private var object: PublishedObject?
    private var loops: [Task<Void, Never>] = []
    private var suspended = false
    private var running = false
    /// The `LastError` the object shows: only a change is published (a check a second per
    /// server would otherwise cost a bus update each).
    private var publishedError: String

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
        health = RealServerHealth(
            checkers: spec.checkers.map {
                CheckerSchedule(timing: .init($0.settings), now: .zero, warmupFraction: warmupFraction())
            },
            configuredWeight: spec.weight)
        publishedError = health.lastError(keywords: spec.checkers.map(\.keyword), target: spec.realServer)
    }

    var currentHealth: RealServerHealth { health }

    func attach(_ object: PublishedObject) { self.object = object }

    /// Starts checking, unless suspended.
    func start() {
        running = true
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
            health.resume(at: now)
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
            health.restart(checker: index, at: now)
            // Loops run (one per probe, in order) unless stopped or suspended; a resume starts the new probe.
            if loops.indices.contains(index) {
                loops[index].cancel()
                loops[index] = Task { await self.loop(index, probe) }
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
        if omega, spec.omega, health.healthy, let notifyDown = spec.notifyDown {
            _ = await notifier.run(notifyDown, for: spec).value
        }
    }

    private var now: Duration { origin.duration(to: clock.now) }

    /// `LastError`: the probe module's keepalived line for the first failing checker.
    var lastError: String {
        health.lastError(keywords: spec.checkers.map(\.keyword), target: spec.realServer)
    }

    private func startLoops() {
        for (index, probe) in probes.enumerated() {
            loops.append(Task { await self.loop(index, probe) })
        }
    }

    private func stopLoops() {
        for loop in loops { loop.cancel() }
        loops = []
    }

    /// One checker's rounds. A `ScheduledProbe` (TCP_CHECK) waits on its own timer, so a round
    /// costs one wake-up; other probes sleep, then attempt.
    private func loop(_ index: Int, _ probe: any RealServerProbe) async {
        let scheduled = probe as? any ScheduledProbe
        while !Task.isCancelled {
            let next = origin + health.checkers[index].nextAttempt
            let result: ProbeResult
            do {
                if let scheduled {
                    result = try await scheduled.attempt(at: next)
                } else {
                    try await Task.sleep(until: next, clock: clock)
                    result = await probe.attempt()
                }
            } catch { return }
            if Task.isCancelled { return }
            record(index, result)
        }
    }

    private func record(_ index: Int, _ result: ProbeResult) {
        // LastError can only change when this checker failed now or had failed before.
        let errorMayChange = !result.succeeded || health.checkers[index].lastFailure != nil
        let change = health.record(checker: index, result, at: now)
        let keyword = spec.checkers[index].keyword
        let (target, service) = (
            spec.realServer, "\(keyword) on service \(spec.realServer) of VS \(spec.virtualServer)"
        )
        switch change.checker {
        case .up: logger.info("\(service) succeeded")
        case .down(let failure):
            logger.warning("\(failure.logLine(keyword: keyword, target: target))")
            logger.warning("\(service) failed after \(spec.checkers[index].settings.retry) retries")
        case .retrying(let failure, let attempt, let retries):
            logger.info("\(failure.logLine(keyword: keyword, target: target)) (retry \(attempt) of \(retries))")
        case .stillDown(let failure):
            logger.debug("\(failure.logLine(keyword: keyword, target: target))")
        case nil: break
        }
        var changes: [String: DBusValue] = [:]
        if errorMayChange {
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
