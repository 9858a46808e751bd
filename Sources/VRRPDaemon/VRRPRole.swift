import DBus
import DaemonKit
import KeepalivedConfig
import Logging

/// vrrpd's part: one `InstanceRunner` per `vrrp_instance`, its D-Bus object, and the root
/// object's `Stats`. An instance whose block cannot run is logged and skipped; the others run.
public struct VRRPRole: DaemonRole {
    public static let busName = "org.keepalive.Vrrp1"
    public static let manageAction = "org.keepalive.vrrp.manage"

    let instances: InstanceRegistry
    let files: FileTracker

    public init() {
        instances = InstanceRegistry()
        files = FileTracker(registry: instances)
    }

    public func start(configuration: KeepalivedConfiguration, context: DaemonContext) async throws {
        let logger = context.logger
        logger.info(
            "Configuration has \(configuration.instances.count) vrrp_instance and \(configuration.syncGroups.count) vrrp_sync_group"
        )
        await AcceptModeFirewall.removeLeftover(logger: logger)
        for file in configuration.trackFiles
        where configuration.instances.contains(where: { $0.trackFiles.contains { $0.name == file.name } }) {
            do {
                if let line = try TrackedFile.initialise(file) { logger.info("\(line)") }
            } catch {
                logger.error("Track_file(\(file.name)) init_file: \(error)")
            }
        }
        try await instances.apply(configuration, context: context, role: Self.self)
        files.reconfigured()
    }

    /// An instance whose block did not change keeps running untouched; a changed one keeps its
    /// state where it can; removed ones stop cleanly and new ones start.
    public func apply(_ reload: ConfigurationStore.Reload, context: DaemonContext) async throws {
        try await instances.apply(reload.current, context: context, role: Self.self)
        files.reconfigured()
    }

    /// Follows links, checkd's scripts and track_file files for tracking, and publishes `Stats`.
    public func run(context: DaemonContext) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [instances] in
                do {
                    try await LinkTracker.run(registry: instances, logger: context.logger)
                } catch is CancellationError {
                } catch {
                    context.logger.error("Cannot follow links; track_interface is not applied: \(error)")
                }
            }
            group.addTask { [files] in await files.run(logger: context.logger) }
            group.addTask { [instances] in
                await ScriptTracker(registry: instances, logger: context.logger).run(bus: context.bus)
            }
            group.addTask { try await publishStats(context: context) }
            try await group.waitForAll()
        }
    }

    /// Publishes `Stats` at most once a second, and only when a counter moved.
    private func publishStats(context: DaemonContext) async throws {
        let root = await context.bus.published(at: try Self.rootPath())
        var last: DBusValue?
        while !Task.isCancelled {
            let stats = await instances.statsValue()
            if stats != last {
                do {
                    try root?.update(Self.busName, ["Stats": stats])
                    last = stats
                } catch {
                    context.logger.warning("Cannot update Stats: \(error)")
                }
            }
            try await Task.sleep(for: .seconds(1))
        }
    }

    public func stop(context: DaemonContext) async {
        await instances.shutdownAll()
    }
}
