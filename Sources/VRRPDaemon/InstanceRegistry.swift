import DBus
import DaemonKit
import KeepalivedConfig
import Logging
import VRRP

/// The running instances and sync groups and their D-Bus objects, by name. Starting and
/// reloading both come down to `apply(_:)`: stop what is gone, reload what changed, start
/// what is new. A sync group whose definition or any member changed restarts as a whole.
actor InstanceRegistry {
    private struct Entry {
        var runner: InstanceRunner
        var object: PublishedObject
        var group: String?
    }

    private struct Group {
        var coordinator: SyncGroupCoordinator
        var object: PublishedObject
        var definition: SyncGroup
    }

    private var entries: [String: Entry] = [:]
    private var groups: [String: Group] = [:]
    /// Names in configuration order, for a stable `Stats` and shutdown order.
    private var order: [String] = []
    /// One timeline for every instance, so sync group members agree on `now`.
    private let origin = ContinuousClock.now
    /// `notify_fifo` and `vrrp_notify_fifo`, opened with the first configuration.
    private var fifos: NotifyFIFOs?
    /// One gratuitous ARP pacer per interface, for `vrrp_garp_interval` across its instances.
    private var garpPacers: [String: GratuitousARPPacer] = [:]
    /// `static_ipaddress`, `static_routes`, `static_rules` as last applied (InstanceRegistry+Policy).
    var staticNetwork: StaticNetwork?
    /// The `no_accept` drop sets, created when the first instance needs them.
    var firewall: AcceptModeFirewall?
    /// `smtp_alert` mail from the current global_defs.
    var mailer: TransitionMailer?

    var all: [InstanceRunner] { order.compactMap { entries[$0]?.runner } }

    /// Makes the running instances match `configuration`. An instance whose block did not
    /// change is not touched; one that changed keeps its state when it can (`canReload`).
    func apply(_ configuration: KeepalivedConfiguration, context: DaemonContext, role: VRRPRole.Type) async throws {
        let logger = context.logger
        if fifos == nil {
            let globals = configuration.globalDefinitions
            let paths = [globals.notifyFIFO, globals.vrrpNotifyFIFO].compactMap { $0?.path }
            if !paths.isEmpty { fifos = NotifyFIFOs(paths: paths, logger: logger) }
        }
        applyStaticNetwork(configuration, logger: logger)
        mailer = TransitionMailer(configuration.globalDefinitions, logger: logger)
        var wanted: [InstanceSettings] = []
        for instance in configuration.instances {
            do {
                wanted.append(
                    try InstanceSettings(
                        instance, globals: configuration.globalDefinitions, scripts: configuration.scripts,
                        files: configuration.trackFiles))
            } catch {
                logger.error("\(error); instance not started")
            }
        }
        prepareFirewall(for: wanted, logger: logger)
        for runner in all { await runner.use(mailer: mailer, firewall: firewall) }
        let byName = Dictionary(wanted.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var groupOf: [String: SyncGroup] = [:]
        for group in configuration.syncGroups {
            for member in group.members where byName[member] != nil && groupOf[member] == nil {
                groupOf[member] = group
            }
        }

        // Groups that changed in any way restart whole; instances that are gone stop.
        for (name, group) in groups {
            let definition = configuration.syncGroups.first { $0.name == name }
            var changed = definition != group.definition
            for member in group.coordinator.memberNames where !changed {
                let current = await entries[member]?.runner.settings
                changed = current != byName[member] || groupOf[member]?.name != name
            }
            if changed { await stopGroup(name, bus: context.bus) }
        }
        for name in order where byName[name] == nil || groupOf[name]?.name != entries[name]?.group {
            if entries[name] != nil { logger.info("VRRP_Instance(\(name)) removed or regrouped; stopping it") }
            await stop(name, bus: context.bus)
        }

        let xml = try context.interfaceXML(named: InstanceObject.interface)
        let root = try role.rootPath()
        func siblings(of settings: InstanceSettings) -> Set<UInt8> {
            Set(wanted.filter { $0.interface == settings.interface }.map(\.virtualRouterID))
        }
        // Instances outside groups: reload in place, or (re)start.
        for settings in wanted where groupOf[settings.name] == nil {
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
            guard let runner = await makeRunner(settings, siblings(of: settings), nil, context, xml, root, role)
            else { continue }
            await runner.start()
        }
        // Groups not running (new, or restarted above): members start together.
        for group in configuration.syncGroups where groups[group.name] == nil {
            let members = group.members.compactMap { byName[$0] }.filter { groupOf[$0.name]?.name == group.name }
            guard !members.isEmpty else {
                logger.error("VRRP_Group(\(group.name)) has no instance that can run; not started")
                continue
            }
            await startGroup(group, members, siblings: siblings, context, xml: xml, root: root, role: role)
        }
        order = wanted.map(\.name).filter { entries[$0] != nil }
    }

    private func startGroup(
        _ group: SyncGroup, _ members: [InstanceSettings], siblings: (InstanceSettings) -> Set<UInt8>,
        _ context: DaemonContext, xml: String, root: ObjectPath, role: VRRPRole.Type
    ) async {
        let logger = context.logger
        var runners: [(runner: InstanceRunner, machine: VRRPStateMachine)] = []
        for settings in members {
            guard let runner = await makeRunner(settings, siblings(settings), group.name, context, xml, root, role)
            else { continue }
            runners.append((runner, await runner.currentMachine))
        }
        do {
            let coordinator = try SyncGroupCoordinator(
                name: group.name, members: runners, notify: group.notify, origin: origin, fifos: fifos,
                logger: logger)
            let groupXML = try context.interfaceXML(named: SyncGroupObject.interface)
            let object = try await context.bus.publish(
                try SyncGroupObject.make(
                    name: group.name, members: coordinator.memberNames, root: root, xml: groupXML))
            await coordinator.attach(object)
            if group.smtpAlert ?? mailer?.vrrpDefault ?? false { await coordinator.use(mailer: mailer) }
            groups[group.name] = Group(coordinator: coordinator, object: object, definition: group)
            for (runner, _) in runners {
                await runner.join(coordinator)
                await runner.start()
            }
            await coordinator.start()
        } catch {
            logger.error("VRRP_Group(\(group.name)) cannot start: \(error); its members run alone")
            for (runner, _) in runners {
                await runner.start()
            }
        }
    }

    /// Opens an instance and publishes its object; nil (logged) when it cannot run.
    private func makeRunner(
        _ settings: InstanceSettings, _ siblings: Set<UInt8>, _ group: String?, _ context: DaemonContext,
        _ xml: String, _ root: ObjectPath, _ role: VRRPRole.Type
    ) async -> InstanceRunner? {
        do {
            let pacer = garpPacers[settings.interface] ?? GratuitousARPPacer()
            garpPacers[settings.interface] = pacer
            let runner = try InstanceRunner(
                settings: settings, siblingVRIDs: siblings, origin: origin, fifos: fifos, garpPacer: pacer,
                firewall: firewall, mailer: mailer, logger: context.logger)
            let object = try await context.bus.publish(
                try InstanceObject.make(
                    runner: runner, settings: settings, root: root, xml: xml, action: role.manageAction,
                    bus: context.bus))
            await runner.attach(object)
            entries[settings.name] = Entry(runner: runner, object: object, group: group)
            return runner
        } catch {
            context.logger.error("VRRP_Instance(\(settings.name)) cannot start on \(settings.interface): \(error)")
            return nil
        }
    }

    private func stop(_ name: String, bus: BusPresence) async {
        guard let entry = entries.removeValue(forKey: name) else { return }
        await entry.runner.shutdown()
        await bus.withdraw(entry.object)
    }

    private func stopGroup(_ name: String, bus: BusPresence) async {
        guard let group = groups.removeValue(forKey: name) else { return }
        await group.coordinator.shutdown()
        for member in group.coordinator.memberNames { await stop(member, bus: bus) }
        await bus.withdraw(group.object)
    }

    /// A link changed: every instance that tracks it hears of it.
    func interfaceChanged(_ name: String, operational: Bool) async {
        for runner in all { await runner.interfaceChanged(name, operational: operational) }
    }

    /// A tracked script's status changed (or its grace ran out): instances tracking it hear of it.
    func scriptChanged(_ name: String, status: VRRPTrackedObject.Status) async {
        for runner in all { await runner.scriptChanged(name, status: status) }
    }

    /// A tracked file holds `value` (read again after a change): instances tracking it hear of it.
    func fileChanged(_ name: String, value: Int) async {
        for runner in all { await runner.fileChanged(name, value: value) }
    }

    /// Every tracked file's name and path.
    func trackedFilePaths() async -> [String: String] {
        var paths: [String: String] = [:]
        for runner in all {
            for file in await runner.settings.trackedFiles { paths[file.name] = file.path }
        }
        return paths
    }

    /// Every tracked script, with the longest grace any instance gives it.
    func trackedScripts() async -> [String: Duration] {
        var graces: [String: Duration] = [:]
        for runner in all {
            for script in await runner.settings.trackedScripts {
                graces[script.name] = max(graces[script.name] ?? .zero, script.grace)
            }
        }
        return graces
    }

    /// A clean stop of every group and instance: priority 0 from each MASTER, addresses removed.
    func shutdownAll() async {
        for group in groups.values { await group.coordinator.shutdown() }
        for runner in all { await runner.shutdown() }
        await firewall?.finish()
        firewall = nil
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
