import DBus
import Logging

/// What a followed daemon's objects did.
public enum FollowedEvent: Sendable, Hashable {
    /// The daemon (re)appeared: every object it has now with the followed interface's properties.
    case snapshot([ObjectPath: [String: DBusValue]])
    /// Properties of one object changed, or it was added (then all its properties).
    case changed(ObjectPath, [String: DBusValue])
    /// One object went away while the daemon stays.
    case removed(ObjectPath)
    /// The daemon left the bus.
    case vanished
}

/// Follows another daemon's objects the way DESIGN.md says daemons listen to each other:
/// `GetManagedObjects` whenever its name gets an owner, `PropertiesChanged` and
/// `InterfacesAdded/Removed` after, `vanished` when the name loses its owner. Survives our own
/// reconnects by following whichever connection `BusPresence` has.
public struct ObjectFollower: Sendable {
    public let busName: String
    public let root: ObjectPath
    public let namespace: ObjectPath
    public let interface: String
    let logger: Logger

    public init(busName: String, root: ObjectPath, namespace: ObjectPath, interface: String, logger: Logger) {
        self.busName = busName
        self.root = root
        self.namespace = namespace
        self.interface = interface
        self.logger = logger
    }

    /// Runs until cancelled, calling `handle` in order.
    public func run(bus: BusPresence, _ handle: @escaping @Sendable (FollowedEvent) async -> Void) async {
        while !Task.isCancelled {
            if let connection = await bus.currentConnection {
                do {
                    try await follow(connection, handle)
                } catch is CancellationError {
                    return
                } catch {
                    logger.debug("Following \(busName) stopped: \(error)")
                }
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }

    private func follow(
        _ connection: DBusConnection, _ handle: @escaping @Sendable (FollowedEvent) async -> Void
    ) async throws {
        let owners = try await connection.nameOwnerChanges(of: busName)
        let changes = try await connection.propertiesChanges(
            sender: busName, interface: interface, pathNamespace: namespace)
        let managerEvents = try await connection.objectManagerEvents(sender: busName, path: root)
        if try await connection.nameOwner(of: busName) != nil {
            try await handle(snapshot(connection))
        } else {
            await handle(.vanished)
        }
        let (interface, namespace) = (interface, namespace)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await change in owners {
                    if change.newOwner != nil {
                        try await handle(self.snapshot(connection))
                    } else {
                        await handle(.vanished)
                    }
                }
            }
            group.addTask {
                for try await change in changes where change.path.isDescendant(of: namespace) {
                    await handle(.changed(change.path, change.changed))
                }
            }
            group.addTask {
                for try await event in managerEvents {
                    switch event {
                    case .added(let path, let interfaces):
                        if path.isDescendant(of: namespace), let properties = interfaces[interface] {
                            await handle(.changed(path, properties))
                        }
                    case .removed(let path, let interfaces):
                        if path.isDescendant(of: namespace), interfaces.contains(interface) {
                            await handle(.removed(path))
                        }
                    }
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    private func snapshot(_ connection: DBusConnection) async throws -> FollowedEvent {
        let objects = try await connection.managedObjects(destination: busName, path: root)
        var found: [ObjectPath: [String: DBusValue]] = [:]
        for (path, interfaces) in objects where path.isDescendant(of: namespace) {
            if let properties = interfaces[interface] { found[path] = properties }
        }
        return .snapshot(found)
    }
}
