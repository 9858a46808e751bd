import DBus
import KeepalivedConfig
import Logging
import Systemd

/// Runs one keepalive daemon: load the configuration, join the bus, publish the root object,
/// start the role, tell systemd, then serve signals, reloads and the watchdog until stopped.
public struct Daemon<Role: DaemonRole>: Sendable {
    let role: Role
    let options: DaemonOptions
    let logger: Logger

    public init(role: Role, options: DaemonOptions, logger: Logger) {
        self.role = role
        self.options = options
        self.logger = logger
    }

    /// Returns the process exit status.
    public func run() async -> Int32 {
        let notifier = ServiceNotifier()
        let store: ConfigurationStore
        do {
            let (opened, warnings) = try ConfigurationStore.open(path: options.configFile, configID: options.configID)
            for warning in warnings { logger.warning("\(warning)") }
            store = opened
        } catch {
            for diagnostic in error.diagnostics { logger.error("\(diagnostic)") }
            logger.error("Configuration \(options.configFile) refused; not starting")
            return 1
        }
        if options.configTest {
            logger.info("Configuration \(options.configFile) OK")
            return 0
        }

        // Signals first, so a SIGHUP/SIGTERM that arrives while starting is not fatal.
        let signals: DaemonSignals
        do {
            signals = try await DaemonSignals(logger: logger)
        } catch {
            logger.error("Cannot handle signals: \(error)")
            return 1
        }

        let bus = BusPresence(busName: Role.busName, address: options.busAddress, logger: logger)
        let context = DaemonContext(store: store, logger: logger, bus: bus, options: options)
        let reloader = Reloader(role: role, context: context, notifier: notifier)
        do {
            let rootPath = try Role.rootPath()
            let root = try RootObject.make(
                busName: Role.busName, path: rootPath, interfacesDirectory: options.interfacesDirectory,
                configFile: store.path, loadedAt: await store.loadedAt,
                reload: { call in try await reloader.reloadFromBus(call.caller) },
                methods: role.rootMethods(context: context))
            await bus.addObjectManager(at: rootPath)
            await reloader.setRoot(try await bus.publish(root))
            // The role first: a daemon that cannot do its job (ipvsd without IPVS) never owns its name.
            try await role.start(configuration: await store.current, context: context)
            try await bus.connect()
        } catch {
            logger.error("\(Role.busName) not starting: \(error)")
            await bus.disconnect()
            return 1
        }
        _ = try? notifier.ready(status: "Running with \(store.path)")
        logger.info("\(Role.busName) \(KeepaliveVersion.current) started with \(store.path)")

        let heartbeat = Heartbeat()
        let pinger = try? WatchdogPinger.fromEnvironment(heartbeat: heartbeat, logger: logger)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await bus.maintain() }
            group.addTask {
                do { try await role.run(context: context) } catch is CancellationError {} catch {
                    logger.error("\(Role.busName) stopped working: \(error)")
                }
            }
            if let pinger {
                group.addTask { await pinger.run() }
                // The executor proves it is alive by beating; a stuck daemon stops the pings.
                group.addTask {
                    while !Task.isCancelled {
                        heartbeat.beat()
                        try? await Task.sleep(for: pinger.heartbeatPeriod)
                    }
                }
            }
            for await event in signals {
                switch event {
                case .reload:
                    _ = try? await reloader.reload(trigger: "SIGHUP")
                    continue
                case .stop:
                    break
                }
                break
            }
            _ = try? notifier.stopping(status: "Stopping")
            logger.info("\(Role.busName) stopping")
            group.cancelAll()
        }
        await role.stop(context: context)
        await bus.disconnect()
        return 0
    }
}

/// One reload at a time, from SIGHUP or `Reload()`: refused files change nothing.
actor Reloader {
    let role: any DaemonRole
    let context: DaemonContext
    let notifier: ServiceNotifier
    var root: PublishedObject?

    init(role: any DaemonRole, context: DaemonContext, notifier: ServiceNotifier) {
        self.role = role
        self.context = context
        self.notifier = notifier
    }

    func setRoot(_ root: PublishedObject) { self.root = root }

    func reloadFromBus(_ caller: DBusCaller) async throws -> [DBusValue] {
        guard let connection = await context.bus.currentConnection else {
            throw DBusError.failed("not connected")
        }
        try await PolkitAuthority(connection: connection).authorize(
            caller, action: type(of: role).manageAction)
        do {
            try await reload(trigger: "Reload() from \(caller.sender)")
        } catch let error as ConfigError {
            throw DBusError.configurationRefused(error)
        }
        return []
    }

    func reload(trigger: String) async throws {
        let logger = context.logger
        _ = try? notifier.reloading(status: "Reloading \(context.store.path)")
        defer { _ = try? notifier.ready(status: "Running with \(context.store.path)") }
        logger.info("Reloading configuration (\(trigger))")
        let reload: ConfigurationStore.Reload
        do {
            reload = try await context.store.reload()
        } catch {
            for diagnostic in error.diagnostics { logger.error("\(diagnostic)") }
            logger.error("Reload refused: keeping the running configuration")
            throw error
        }
        for warning in reload.warnings { logger.warning("\(warning)") }
        try await role.apply(reload, context: context)
        let loadedAt = await context.store.loadedAt
        try root?.update(type(of: role).busName, ["ConfigLoadedAt": .uint64(loadedAt)])
        logger.info("Configuration reloaded from \(context.store.path)")
    }
}
