import DaemonKit
import HealthCheckers
import KeepalivedConfig
import Logging
import NIOPosix

/// checkd's part: vrrp_script runs and real-server checkers, their D-Bus objects, and
/// following vrrpd for ha_suspend. It never touches addresses or IPVS, so it runs on any kernel.
public struct CheckRole: DaemonRole {
    public static let busName = "org.keepalive.Check1"
    public static let manageAction = "org.keepalive.check.manage"

    let registry: CheckRegistry

    /// - Parameters:
    ///   - makeProbe: builds a checker's probe; the HealthCheckers module's factory by default.
    ///   - makeAlertSink: where SMTP alerts go; keepalived's mail through SMTPAlert by default.
    public init(
        makeProbe: @escaping ProbeMaker = CheckRole.healthCheckerProbes,
        makeAlertSink: @escaping AlertSinkMaker = { SMTPCheckerAlerts($0, logger: $1) }
    ) {
        registry = CheckRegistry(makeProbe: makeProbe, makeAlertSink: makeAlertSink)
    }

    public func start(configuration: KeepalivedConfiguration, context: DaemonContext) async throws {
        let descriptors = DescriptorLimit.raiseToHardLimit()
        context.logger.debug("Open file limit: \(descriptors)")
        context.logger.info(
            "Configuration has \(configuration.scripts.count) vrrp_script and \(configuration.virtualServers.count) virtual_server"
        )
        try await registry.apply(configuration, context: context, role: Self.self)
    }

    /// Checks whose configuration did not change keep their state; the rest restart.
    public func apply(_ reload: ConfigurationStore.Reload, context: DaemonContext) async throws {
        try await registry.apply(reload.current, context: context, role: Self.self)
    }

    /// Follows vrrpd's instances for ha_suspend while the checks run in their own tasks;
    /// BusPresence re-exports every object with its latest state whenever the daemon rejoins.
    public func run(context: DaemonContext) async throws {
        let registry = registry
        await VIPFollower(logger: context.logger) { held in await registry.heldAddressesChanged(held) }
            .run(bus: context.bus)
    }

    public func stop(context: DaemonContext) async {
        await registry.shutdownAll()
    }
}

extension CheckRole {
    /// The HealthCheckers module's probes, every network probe on NIO's shared event loop group.
    public static let healthCheckerProbes: ProbeMaker = { request in
        try ProbeFactory.make(
            request.checker, realServer: request.realServer, virtualServer: request.virtualServer,
            trackFiles: request.trackFiles, scriptCredentials: request.scriptCredentials, sslClient: request.sslClient,
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
    }
}
