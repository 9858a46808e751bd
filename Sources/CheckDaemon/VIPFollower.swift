import DBus
import DaemonKit
import Logging

/// Follows vrrpd's Instance objects (`org.keepalive.Vrrp1`) for `ha_suspend`: which virtual
/// addresses this node holds, i.e. belong to an instance in MASTER state. `GetManagedObjects`
/// whenever vrrpd (re)appears, then `PropertiesChanged` and `InterfacesAdded`/`Removed`; while
/// vrrpd is gone nothing is held.
actor VIPFollower {
    static let busName = "org.keepalive.Vrrp1"
    static let root = "/org/keepalive/Vrrp1"
    static let instanceInterface = "org.keepalive.Vrrp1.Instance"

    /// What one instance says about itself.
    struct Instance: Sendable, Hashable {
        var state = ""
        var addresses: [String] = []
    }

    private let logger: Logger
    private let held: @Sendable (Set<String>) async -> Void
    private var instances: [ObjectPath: Instance] = [:]

    init(logger: Logger, held: @escaping @Sendable (Set<String>) async -> Void) {
        self.logger = logger
        self.held = held
    }

    /// The addresses (without prefix length) of every MASTER instance.
    static func heldAddresses(_ instances: some Collection<Instance>) -> Set<String> {
        var addresses: Set<String> = []
        for instance in instances where instance.state == "MASTER" {
            for address in instance.addresses {
                addresses.insert(String(address.split(separator: "/", maxSplits: 1).first ?? ""))
            }
        }
        return addresses
    }

    /// Follows vrrpd on whichever connection the daemon has, until cancelled.
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
        let root = try ObjectPath(Self.root)
        let owners = try await connection.nameOwnerChanges(of: Self.busName)
        let changes = try await connection.propertiesChanges(
            sender: Self.busName, interface: Self.instanceInterface,
            pathNamespace: try ObjectPath(Self.root + "/instance"))
        let managed = try await connection.objectManagerEvents(sender: Self.busName, path: root)
        if try await connection.nameOwner(of: Self.busName) != nil {
            try await appeared(connection)
        } else {
            await replace([:])
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await change in owners {
                    if change.newOwner != nil { try await self.appeared(connection) } else { await self.replace([:]) }
                }
            }
            group.addTask {
                for try await change in changes { await self.changed(change.path, change.changed) }
            }
            group.addTask {
                for try await event in managed {
                    switch event {
                    case .added(let path, let interfaces):
                        if let properties = interfaces[Self.instanceInterface] { await self.changed(path, properties) }
                    case .removed(let path, let interfaces):
                        if interfaces.contains(Self.instanceInterface) { await self.removed(path) }
                    }
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    private func appeared(_ connection: DBusConnection) async throws {
        let objects = try await connection.managedObjects(destination: Self.busName, path: ObjectPath(Self.root))
        var found: [ObjectPath: Instance] = [:]
        for (path, interfaces) in objects {
            guard let properties = interfaces[Self.instanceInterface] else { continue }
            var instance = Instance()
            Self.merge(properties, into: &instance)
            found[path] = instance
        }
        await replace(found)
    }

    private func changed(_ path: ObjectPath, _ properties: [String: DBusValue]) async {
        var instance = instances[path] ?? Instance()
        Self.merge(properties, into: &instance)
        var all = instances
        all[path] = instance
        await replace(all)
    }

    private func removed(_ path: ObjectPath) async {
        var all = instances
        all[path] = nil
        await replace(all)
    }

    private static func merge(_ properties: [String: DBusValue], into instance: inout Instance) {
        if let state = properties["State"]?.stringValue { instance.state = state }
        if let addresses = properties["VirtualAddresses"]?.as([String].self) { instance.addresses = addresses }
    }

    private func replace(_ all: [ObjectPath: Instance]) async {
        let before = Self.heldAddresses(instances.values)
        instances = all
        let after = Self.heldAddresses(all.values)
        if before != after || all.isEmpty {
            logger.debug("Virtual addresses held by MASTER instances: \(after.sorted())")
            await held(after)
        }
    }
}
