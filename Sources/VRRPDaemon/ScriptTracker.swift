import DBus
import DaemonKit
import Logging
import VRRP

/// Follows checkd's Script objects (`org.keepalive.Check1`, `/org/keepalive/Check1/script/<name>`,
/// property `Status`) for `track_script`: `GetManagedObjects` whenever checkd (re)appears, then
/// `PropertiesChanged`. While checkd is gone each script keeps its last status for its grace
/// period (3 × its interval, at least 5 s), then counts as FAILED.
actor ScriptTracker {
    static let busName = "org.keepalive.Check1"
    static let root = "/org/keepalive/Check1"
    static let scriptInterface = "org.keepalive.Check1.Script"

    private let registry: InstanceRegistry
    private let logger: Logger
    private var graceTasks: [String: Task<Void, Never>] = [:]

    init(registry: InstanceRegistry, logger: Logger) {
        self.registry = registry
        self.logger = logger
    }

    /// Follows checkd on whichever connection the daemon has, until cancelled.
    func run(bus: BusPresence) async {
        while !Task.isCancelled {
            if let connection = await bus.currentConnection {
                do {
                    try await follow(connection)
                } catch is CancellationError {
                    return
                } catch {
                    logger.debug("Following \(Self.busName) stopped: \(error)")
                }
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }

    private func follow(_ connection: DBusConnection) async throws {
        let owners = try await connection.nameOwnerChanges(of: Self.busName)
        let scriptRoot = try ObjectPath(Self.root + "/script")
        let changes = try await connection.propertiesChanges(
            sender: Self.busName, interface: Self.scriptInterface, pathNamespace: scriptRoot)
        if try await connection.nameOwner(of: Self.busName) != nil {
            try await appeared(connection)
        } else {
            await vanished()
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await change in owners {
                    if change.newOwner != nil { try await self.appeared(connection) } else { await self.vanished() }
                }
            }
            group.addTask {
                for try await change in changes {
                    guard let name = change.path.lastLabelUnescaped, let status = change.changed["Status"]?.stringValue
                    else { continue }
                    await self.update(name, status)
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// checkd is there: its scripts' statuses replace whatever grace was running.
    private func appeared(_ connection: DBusConnection) async throws {
        for task in graceTasks.values { task.cancel() }
        graceTasks = [:]
        let objects = try await connection.managedObjects(destination: Self.busName, path: ObjectPath(Self.root))
        for (path, interfaces) in objects {
            guard let properties = interfaces[Self.scriptInterface], let name = path.lastLabelUnescaped,
                let status = properties["Status"]?.stringValue
            else { continue }
            await update(name, status)
        }
    }

    /// checkd is gone: each tracked script's last status holds for its grace, then FAILED.
    private func vanished() async {
        for (name, grace) in await registry.trackedScripts() where graceTasks[name] == nil {
            let (registry, logger) = (registry, logger)
            graceTasks[name] = Task {
                do { try await Task.sleep(for: grace) } catch { return }
                logger.warning(
                    "VRRP_Script(\(name)) has no status from \(Self.busName) for \(grace): counting it as failed")
                await registry.scriptChanged(name, status: .failed)
            }
        }
    }

    private func update(_ name: String, _ text: String) async {
        let status: VRRPTrackedObject.Status =
            switch text {
            case "OK": .ok
            case "FAILED": .failed
            default: .unknown
            }
        await registry.scriptChanged(name, status: status)
    }
}
