import DBus
import DaemonKit
import KeepalivedConfig
import Logging

/// vrrpd's part: one `InstanceRunner` per `vrrp_instance`, its D-Bus object, and the root
/// object's `Stats`. An instance whose block cannot run is logged and skipped; the others run.
public struct VRRPRole: DaemonRole {
    public static let busName = "org.keepalive.Vrrp1"
    public static let manageAction = "org.keepalive.vrrp.manage"

    let instances = InstanceRegistry()

    public init() {}

    public func start(configuration: KeepalivedConfiguration, context: DaemonContext) async throws {
        let logger = context.logger
        logger.info(
            "Configuration has \(configuration.instances.count) vrrp_instance and \(configuration.syncGroups.count) vrrp_sync_group"
        )
        if !configuration.syncGroups.isEmpty {
            logger.warning("vrrp_sync_group is not run yet: its members run as independent instances")
        }
        var settings: [InstanceSettings] = []
        for instance in configuration.instances {
            do {
                settings.append(try InstanceSettings(instance, globals: configuration.globalDefinitions))
            } catch {
                logger.error("\(error); instance not started")
            }
        }
        let xml = try context.interfaceXML(named: InstanceObject.interface)
        let root = try Self.rootPath()
        for setting in settings {
            let siblings = Set(settings.filter { $0.interface == setting.interface }.map(\.virtualRouterID))
            let runner: InstanceRunner
            do {
                runner = try InstanceRunner(settings: setting, siblingVRIDs: siblings, logger: logger)
            } catch {
                logger.error("VRRP_Instance(\(setting.name)) cannot start on \(setting.interface): \(error)")
                continue
            }
            let object = try InstanceObject.make(
                runner: runner, root: root, xml: xml, action: Self.manageAction, bus: context.bus)
            await runner.attach(try await context.bus.publish(object))
            await instances.add(runner)
            await runner.start()
        }
    }

    public func apply(_ reload: ConfigurationStore.Reload, context: DaemonContext) async throws {
        guard reload.previous.instances != reload.current.instances else { return }
        context.logger.warning("vrrp_instance changes take effect when vrrpd restarts; running instances are kept")
    }

    /// Publishes `Stats` at most once a second, and only when a counter moved.
    public func run(context: DaemonContext) async throws {
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
        for runner in await instances.all { await runner.shutdown() }
    }
}

/// The running instances, shared by the role's calls.
actor InstanceRegistry {
    private(set) var all: [InstanceRunner] = []

    func add(_ runner: InstanceRunner) { all.append(runner) }

    /// `a{sa{st}}`: instance name → counter name → value.
    func statsValue() async -> DBusValue {
        var map: [DBusValue: DBusValue] = [:]
        for runner in all {
            var counters: [DBusValue: DBusValue] = [:]
            for (name, value) in await runner.counters.values { counters[.string(name)] = .uint64(value) }
            map[.string(runner.settings.name)] = .dictionary(key: .string, value: .uint64, counters)
        }
        return .dictionary(key: .string, value: .dictionary(key: .string, value: .uint64), map)
    }
}
