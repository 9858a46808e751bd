import DBus
import DaemonKit
import Logging

/// Follows vrrpd's Instance objects (`org.keepalive.Vrrp1`) for `ha_suspend`: which virtual
/// addresses this node holds, i.e. belong to an instance in MASTER state. While vrrpd is gone
/// nothing is held.
actor VIPFollower {
    static let busName = "org.keepalive.Vrrp1"
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
        // Both paths are constants that parse; the guard only satisfies the throwing initializer.
        guard let root = try? ObjectPath("/org/keepalive/Vrrp1"),
            let instances = try? ObjectPath("/org/keepalive/Vrrp1/instance")
        else { return }
        let follower = ObjectFollower(
            busName: Self.busName, root: root, namespace: instances, interface: Self.instanceInterface,
            logger: logger)
        await follower.run(bus: bus) { event in await self.handle(event) }
    }

    private func handle(_ event: FollowedEvent) async {
        switch event {
        case .snapshot(let objects):
            var found: [ObjectPath: Instance] = [:]
            for (path, properties) in objects {
                var instance = Instance()
                Self.merge(properties, into: &instance)
                found[path] = instance
            }
            await replace(found)
        case .changed(let path, let properties): await changed(path, properties)
        case .removed(let path): await removed(path)
        case .vanished: await replace([:])
        }
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
