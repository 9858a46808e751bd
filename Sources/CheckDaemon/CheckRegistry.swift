import DBus
import DaemonKit
import HealthCheckers
import KeepalivedConfig
import Logging
import ScriptRunner

/// Everything a probe factory needs for one checker of one real server.
public struct ProbeRequest: Sendable {
    public var checker: HealthChecker
    public var realServer: RealServer
    public var virtualServer: VirtualServer
    /// The configuration's `track_file` blocks, which FILE_CHECK names.
    public var trackFiles: [TrackFile]
    /// Who a MISC_CHECK without `user` runs as.
    public var scriptCredentials: ScriptCredentials
    /// The configuration's `SSL` block: the client certificate SSL_GET presents.
    public var sslClient: SSLClient? = nil
}

/// Builds the probe for one checker of one real server.
public typealias ProbeMaker = @Sendable (ProbeRequest) throws -> any RealServerProbe

/// Builds where SMTP alerts go from global_defs; nil sends none.
public typealias AlertSinkMaker = @Sendable (GlobalDefinitions, Logger) -> (any CheckerAlertSink)?

/// checkd's running scripts and real servers and their D-Bus objects. Starting and reloading
/// both come down to `apply(_:)`: what did not change keeps running with its state, what
/// changed restarts, what is gone stops and its object leaves the bus.
actor CheckRegistry {
    private struct ScriptEntry {
        var monitor: ScriptMonitor
        var object: PublishedObject
        var prepared: Result<ScriptLauncher.Prepared, ScriptLauncher.Refusal>
    }

    private struct ServerEntry {
        var monitor: RealServerMonitor
        var object: PublishedObject
    }

    private let makeProbe: ProbeMaker
    private let makeAlertSink: AlertSinkMaker
    private var scripts: [String: ScriptEntry] = [:]
    private var servers: [[String]: ServerEntry] = [:]
    /// Addresses of vrrpd's MASTER instances; empty until vrrpd is seen.
    private var heldAddresses: Set<String> = []
    /// The `SSL` block the running SSL_GET probes were built with.
    private var sslClient = SSLClientMaterial(nil)

    init(makeProbe: @escaping ProbeMaker, makeAlertSink: @escaping AlertSinkMaker) {
        self.makeProbe = makeProbe
        self.makeAlertSink = makeAlertSink
    }

    func apply(_ configuration: KeepalivedConfiguration, context: DaemonContext, role: CheckRole.Type) async throws {
        let logger = context.logger
        let root = try role.rootPath()
        let launcher = ScriptLauncher(globals: configuration.globalDefinitions, logger: logger)
        let realServers = configuration.virtualServers.flatMap(\.realServers)
        let hasScripts =
            !configuration.scripts.isEmpty
            || realServers.contains { real in
                real.notifyUp != nil || real.notifyDown != nil
                    || real.checkers.contains { if case .misc = $0 { true } else { false } }
            }
        if hasScripts, !launcher.security.enabled, launcher.defaultCredentials.uid == 0 {
            logger.warning("\(ScriptSecurity.violationWarning)")
        }
        try await applyScripts(configuration.scripts, launcher: launcher, root: root, context: context)
        try await applyServers(configuration, launcher: launcher, root: root, context: context, role: role)
    }

    private func applyScripts(
        _ definitions: [VRRPScript], launcher: ScriptLauncher, root: ObjectPath, context: DaemonContext
    ) async throws {
        let wanted = Dictionary(definitions.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for (name, entry) in scripts {
            let prepared = wanted[name].map { launcher.prepare($0.script, runAs: $0.runAs) }
            if let definition = wanted[name], definition == entry.monitor.definition, prepared == entry.prepared {
                continue
            }
            context.logger.info("VRRP_Script(\(name)) \(wanted[name] == nil ? "removed" : "changed"); stopping it")
            await entry.monitor.shutdown()
            await context.bus.withdraw(entry.object)
            scripts[name] = nil
        }
        let xml = try context.interfaceXML(named: ScriptObject.interface)
        for definition in definitions where scripts[definition.name] == nil {
            let prepared = launcher.prepare(definition.script, runAs: definition.runAs)
            let status = ScriptMonitor.startingHealth(definition, prepared: prepared).status
            let object = try await context.bus.publish(
                try ScriptObject.make(definition, status: status, root: root, xml: xml))
            let monitor = ScriptMonitor(definition, prepared: prepared, object: object, logger: context.logger)
            scripts[definition.name] = ScriptEntry(monitor: monitor, object: object, prepared: prepared)
            await monitor.start()
        }
    }

    private func applyServers(
        _ configuration: KeepalivedConfiguration, launcher: ScriptLauncher, root: ObjectPath,
        context: DaemonContext, role: CheckRole.Type
    ) async throws {
        let logger = context.logger
        let (specs, warnings) = RealServerSpec.all(in: configuration)
        for warning in warnings { logger.warning("\(warning)") }
        let wanted = Dictionary(specs.map { ([$0.virtualServer, $0.realServer], $0) }, uniquingKeysWith: { a, _ in a })
        let ssl = SSLClientMaterial(configuration.ssl)
        let sslChanged = ssl != sslClient
        sslClient = ssl
        for (key, entry) in servers {
            if let spec = wanted[key], spec == entry.monitor.spec {
                guard sslChanged, !spec.sslClientCheckers.isEmpty else { continue }
                do {
                    try await renewSSLClient(of: entry.monitor, spec, configuration, launcher: launcher)
                    continue
                } catch {
                    logger.error("Real server \(key[1]) of VS \(key[0]) cannot be checked: \(error)")
                }
            } else {
                logger.info(
                    "Real server \(key[1]) of VS \(key[0]) \(wanted[key] == nil ? "removed" : "changed"); stopping its checks"
                )
            }
            await entry.monitor.shutdown(omega: false)
            await context.bus.withdraw(entry.object)
            servers[key] = nil
        }
        let xml = try context.interfaceXML(named: RealServerObject.interface)
        let notifier = ServerNotifier(
            launcher: launcher, alerts: makeAlertSink(configuration.globalDefinitions, logger), logger: logger)
        for entry in servers.values { await entry.monitor.use(notifier) }
        for spec in specs where servers[[spec.virtualServer, spec.realServer]] == nil {
            var probes: [any RealServerProbe] = []
            do {
                probes = try spec.checkers.map { checker in
                    try refuseInsecureScript(checker.checker, launcher: launcher)
                    return try makeProbe(request(for: checker, of: spec, configuration, launcher: launcher))
                }
            } catch {
                logger.error("Real server \(spec.realServer) of VS \(spec.virtualServer) cannot be checked: \(error)")
                continue
            }
            let monitor = RealServerMonitor(spec, probes: probes, notifier: notifier, logger: logger)
            let object = try await context.bus.publish(
                try RealServerObject.make(
                    spec, health: await monitor.currentHealth, lastError: await monitor.lastError, root: root, xml: xml,
                    action: role.manageAction,
                    bus: context.bus,
                    setAdminState: { state, caller in await monitor.setAdminState(state, by: caller.sender) }))
            await monitor.attach(object)
            servers[[spec.virtualServer, spec.realServer]] = ServerEntry(monitor: monitor, object: object)
            await monitor.setSuspended(isSuspended(spec))
            await monitor.start()
        }
    }

    /// What the probe factory needs for one checker of `spec`, from the configuration being applied.
    private func request(
        for checker: RealServerSpec.Checker, of spec: RealServerSpec, _ configuration: KeepalivedConfiguration,
        launcher: ScriptLauncher
    ) -> ProbeRequest {
        ProbeRequest(
            checker: checker.checker, realServer: spec.definition, virtualServer: spec.virtualServerDefinition,
            trackFiles: configuration.trackFiles, scriptCredentials: launcher.defaultCredentials,
            sslClient: configuration.ssl)
    }

    /// The `SSL` block changed under a server whose checks did not: its SSL_GET probes are
    /// rebuilt to present the new certificate, and keep their verdicts (no flap).
    private func renewSSLClient(
        of monitor: RealServerMonitor, _ spec: RealServerSpec, _ configuration: KeepalivedConfiguration,
        launcher: ScriptLauncher
    ) async throws {
        var probes: [Int: any RealServerProbe] = [:]
        for index in spec.sslClientCheckers {
            probes[index] = try makeProbe(
                request(for: spec.checkers[index], of: spec, configuration, launcher: launcher))
        }
        await monitor.replaceProbes(probes)
    }

    /// A MISC_CHECK runs a program: `enable_script_security` and the user apply as to vrrp_script.
    private func refuseInsecureScript(_ checker: HealthChecker, launcher: ScriptLauncher) throws {
        guard case .misc(let check) = checker else { return }
        if case .failure(let refusal) = launcher.prepare(check.path, runAs: check.runAs) { throw refusal }
    }

    /// vrrpd's MASTER instances hold these addresses now: suspend or resume ha_suspend servers.
    func heldAddressesChanged(_ addresses: Set<String>) async {
        guard addresses != heldAddresses else { return }
        heldAddresses = addresses
        for entry in servers.values {
            await entry.monitor.setSuspended(isSuspended(entry.monitor.spec))
        }
    }

    private func isSuspended(_ spec: RealServerSpec) -> Bool {
        guard let address = spec.suspendUnlessHolding else { return false }
        return !heldAddresses.contains(address.description)
    }

    /// Stops every check; with omega, healthy servers' notify_down scripts run first.
    func shutdownAll() async {
        for entry in scripts.values { await entry.monitor.shutdown() }
        for entry in servers.values { await entry.monitor.shutdown(omega: true) }
    }
}
