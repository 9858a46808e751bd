import DaemonKit
import HealthCheckers
import KeepalivedConfig
import Logging

/// checkd's part: vrrp_script runs and real-server checkers, their D-Bus objects, and
/// following vrrpd for ha_suspend. It never touches addresses or IPVS, so it runs on any kernel.
public struct CheckRole: DaemonRole {
    public static let busName = "org.keepalive.Check1"
    public static let manageAction = "org.keepalive.check.manage"

    let registry: CheckRegistry

    /// - Parameters:
    ///   - makeProbe: builds a checker's probe; the HealthCheckers module's factory by default.
    ///   - makeAlertSink: where SMTP alerts go.
    public init(
        makeProbe: @escaping ProbeMaker = { _ in throw ProbeUnavailable() },
        makeAlertSink: @escaping @Sendable (Logger) -> any CheckerAlertSink = { SMTPAlertNotMerged(logger: $0) }
    ) {
        registry = CheckRegistry(makeProbe: makeProbe, makeAlertSink: makeAlertSink)
    }

    public func start(configuration: KeepalivedConfiguration, context: DaemonContext) async throws {
        context.logger.info(
            "Configuration has \(configuration.scripts.count) vrrp_script and \(configuration.virtualServers.count) virtual_server"
        )
        try await registry.apply(configuration, context: context, role: Self.self)
    }

    /// Checks whose configuration did not change keep their state; the rest restart.
    public func apply(_ reload: ConfigurationStore.Reload, context: DaemonContext) async throws {
        try await registry.apply(reload.current, context: context, role: Self.self)
    }

    /// Follows vrrpd's instances for ha_suspend while the checks run in their own tasks.
    public func run(context: DaemonContext) async throws {
        let registry = registry
        await VIPFollower(logger: context.logger) { held in await registry.heldAddressesChanged(held) }
            .run(bus: context.bus)
    }

    public func stop(context: DaemonContext) async {
        await registry.shutdownAll()
    }
}

/// Placeholder until the HealthCheckers factory is merged.
public struct ProbeUnavailable: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "no probe factory yet" }
}
