import DBus
import DaemonKit
import KeepalivedConfig
import Logging
import ScriptRunner

#if canImport(Glibc)
    import Glibc
#endif

/// Runs one vrrp_script every `interval` seconds, never two runs at once, each killed (its whole
/// process group) after `timeout`; applies rise/fall and publishes every change on its object.
actor ScriptMonitor {
    let definition: VRRPScript
    private let prepared: Result<ScriptLauncher.Prepared, ScriptLauncher.Refusal>
    private let object: PublishedObject
    private let logger: Logger
    private var health: ScriptHealth
    private var lastExitStatus: Int32 = -1
    private var lastRun: UInt64?
    private var task: Task<Void, Never>?

    init(
        _ definition: VRRPScript, prepared: Result<ScriptLauncher.Prepared, ScriptLauncher.Refusal>,
        object: PublishedObject, logger: Logger
    ) {
        self.definition = definition
        self.prepared = prepared
        self.object = object
        self.logger = logger
        health = Self.startingHealth(definition, prepared: prepared)
    }

    /// Where `definition` starts: FAILED with init_fail, or when the
    /// script is refused (it can never pass), else INIT.
    static func startingHealth(
        _ definition: VRRPScript, prepared: Result<ScriptLauncher.Prepared, ScriptLauncher.Refusal>
    ) -> ScriptHealth {
        let refused = if case .failure = prepared { true } else { false }
        return ScriptHealth(rise: definition.rise, fall: definition.fall, initFail: definition.initFail || refused)
    }

    var status: ScriptStatus { health.status }

    func start() {
        switch prepared {
        case .failure(let refusal):
            logger.error("VRRP_Script(\(definition.name)): \(refusal); it counts as failed")
        case .success(let prepared):
            for warning in prepared.warnings { logger.warning("\(warning)") }
            let invocation = prepared.invocation(timeout: .seconds(definition.timeout ?? definition.interval))
            let interval = Duration.seconds(definition.interval)
            task = Task { await self.loop(invocation, interval: interval) }
        }
    }

    /// Stops the schedule; a run in progress is killed with its process group.
    func shutdown() async {
        task?.cancel()
        await task?.value
        task = nil
    }

    private func loop(_ invocation: ScriptInvocation, interval: Duration) async {
        let clock = ContinuousClock()
        let origin = clock.now
        while !Task.isCancelled {
            let result = await ScriptProcess.run(invocation)
            if Task.isCancelled || result.outcome == .cancelled { return }
            finished(result)
            let next = PeriodicSchedule.nextTick(
                after: origin.duration(to: clock.now), start: .zero, interval: interval)
            do { try await Task.sleep(until: origin + next, clock: clock) } catch { return }
        }
    }

    private func finished(_ result: ScriptResult) {
        let name = definition.name
        let exitStatus = Self.exitStatus(result.outcome)
        let now = WallClock.microsecondsSinceEpoch()
        lastRun = now
        var changes: [String: DBusValue] = ["LastRun": .uint64(now)]
        if exitStatus != lastExitStatus {
            if lastExitStatus != -1 || exitStatus != 0 {
                logger.info("Script `\(name)` now returning \(exitStatus)")
            }
            if case .spawnFailed = result.outcome { logger.error("VRRP_Script(\(name)) \(result.outcome)") }
            lastExitStatus = exitStatus
            changes["LastExitStatus"] = .int32(exitStatus)
        }
        if let status = health.record(success: result.succeeded) {
            switch status {
            case .ok: logger.info("VRRP_Script(\(name)) succeeded")
            case .failed:
                let why = result.outcome == .timedOut ? "timed out" : "exited with status \(exitStatus)"
                logger.info("VRRP_Script(\(name)) failed (\(why))")
            case .initial: break
            }
            changes["Status"] = .string(status.rawValue)
        }
        do { try object.update(ScriptObject.interface, changes) } catch {
            logger.warning("VRRP_Script(\(name)): cannot publish its state: \(error)")
        }
    }

    /// `LastExitStatus`: the exit status, 128+N when killed by signal N (a timeout kills with
    /// SIGKILL), 127 when the program could not be started as a shell would say.
    static func exitStatus(_ outcome: ScriptOutcome) -> Int32 {
        switch outcome {
        case .exited(let status): status
        case .signalled(let signal): 128 + signal
        case .timedOut, .cancelled: 128 + SIGKILL
        case .spawnFailed: 127
        }
    }
}
