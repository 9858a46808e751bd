import DBus
import DaemonKit
import KeepalivedConfig
import Logging

/// The running instances and their D-Bus objects, by name. Starting and reloading both come
/// down to `apply(_:)`: stop what is gone, reload what changed, start what is new.
actor InstanceRegistry {
    private struct Entry {
        var runner: InstanceRunner
        var object: PublishedObject
    }

    private var entries: [String: Entry] = [:]
    /// Names in configuration order, for a stable `Stats` and shutdown order.
    private var order: [String] = []

    var all: [InstanceRunner] { order.compactMap { entries[$0]?.runner } }

    /// Makes the running instances match `configuration`. An instance whose block did not
    /// change is not touched; one that changed keeps its state when it can (`canReload`).
    func apply(_ configuration: KeepalivedConfiguration, context: DaemonContext, role: VRRPRole.Type) async throws {
        let logger = context.logger
        var wanted: [InstanceSettings] = []
        for instance in configuration.instances {
            do {
                wanted.append(try InstanceSettings(instance, globals: configuration.globalDefinitions))
            } catch {
                logger.error("\(error); instance not started")
            }
        }
        let names = Set(wanted.map(\.name))
        for name in order where !names.contains(name) {
            logger.info("VRRP_Instance(\(name)) removed from the configuration; stopping it")
            await stop(name, bus: context.bus)
        }
        let xml = try context.interfaceXML(named: InstanceObject.interface)
        let root = try role.rootPath()
        for settings in wanted {
            if let entry = entries[settings.name] {
                let current = await entry.runner.settings
                if current == settings { continue }
                if current.canReload(to: settings) {
                    do {
                        try await entry.runner.reload(settings)
                        continue
                    } catch {
                        logger.error("VRRP_Instance(\(settings.name)) cannot reload in place: \(error); restarting it")
                    }
                } else {
                    logger.info("VRRP_Instance(\(settings.name)) socket settings changed; restarting it")
                }
                await stop(settings.name, bus: context.bus)
            }
            let siblings = Set(wanted.filter { $0.interface == settings.interface }.map(\.virtualRouterID))
            let runner: InstanceRunner
            do {
                runner = try InstanceRunner(settings: settings, siblingVRIDs: siblings, logger: logger)
            } catch {
                logger.error("VRRP_Instance(\(settings.name)) cannot start on \(settings.interface): \(error)")
                continue
            }
            let object = try await context.bus.publish(
                try InstanceObject.make(
                    runner: runner, settings: settings, root: root, xml: xml, action: role.manageAction,
                    bus: context.bus))
            await runner.attach(object)
            entries[settings.name] = Entry(runner: runner, object: object)
            await runner.start()
        }
        order = wanted.map(\.name).filter { entries[$0] != nil }
    }

    private func stop(_ name: String, bus: BusPresence) async {
        guard let entry = entries.removeValue(forKey: name) else { return }
        await entry.runner.shutdown()
        await bus.withdraw(entry.object)
    }

    /// A link changed: every instance that tracks it hears of it.
    func interfaceChanged(_ name: String, operational: Bool) async {
        for runner in all { await runner.interfaceChanged(name, operational: operational) }
    }

    /// A clean stop of every instance: priority 0 from each MASTER, addresses removed.
    func shutdownAll() async {
        for runner in all { await runner.shutdown() }
    }

    /// `a{sa{st}}`: instance name → counter name → value.
    func statsValue() async -> DBusValue {
        var map: [DBusValue: DBusValue] = [:]
        for runner in all {
            var counters: [DBusValue: DBusValue] = [:]
            for (name, value) in await runner.counters.values { counters[.string(name)] = .uint64(value) }
            map[.string(runner.name)] = .dictionary(key: .string, value: .uint64, counters)
        }
        return .dictionary(key: .string, value: .dictionary(key: .string, value: .uint64), map)
    }
}
