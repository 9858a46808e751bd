import DBus

/// One object a daemon serves with one of the contract's item interfaces (or another one).
struct BusItem: Sendable {
    let daemon: KeepaliveDaemon
    let path: ObjectPath
    let interface: String
    let properties: [String: DBusValue]

    /// The object's name: its `Name` property, else its path's labels below the kind, unescaped
    /// (`192.0.2.10:80/192.0.2.20:80` for a real server).
    var name: String {
        if let name = properties["Name"]?.stringValue { return name }
        let labels = path.rawValue.split(separator: "/").map(String.init)
        let rootCount = daemon.rootPath.rawValue.split(separator: "/").count
        let below = labels.dropFirst(rootCount + (labels.count > rootCount + 1 ? 1 : 0))
        return below.map { ObjectPath.unescapeLabel($0) ?? $0 }.joined(separator: "/")
    }

    subscript(_ property: String) -> DBusValue? { properties[property] }
}

/// What one daemon showed when asked: owner, root properties, and every managed object.
struct DaemonStatus: Sendable {
    let daemon: KeepaliveDaemon
    /// The unique name owning the daemon's bus name; nil when it is not running.
    var owner: String?
    /// The root interface's properties (`Version`, `ConfigFile`, `ConfigLoadedAt`, `Stats`).
    var root: [String: DBusValue] = [:]
    var objects: [ObjectPath: [String: [String: DBusValue]]] = [:]
    /// Why the daemon could not be read although it owns its name.
    var error: String?

    var isRunning: Bool { owner != nil }

    /// Interfaces every object has that say nothing about keepalive.
    static let standardInterfaces: Set<String> = [
        "org.freedesktop.DBus.Properties", "org.freedesktop.DBus.Introspectable", "org.freedesktop.DBus.Peer",
        "org.freedesktop.DBus.ObjectManager",
    ]

    /// Every (object, interface) pair except the root's and the standard ones, sorted by path.
    var items: [BusItem] {
        objects.keys.sorted().flatMap { path in
            (objects[path] ?? [:]).keys.sorted().compactMap { interface -> BusItem? in
                guard !Self.standardInterfaces.contains(interface), interface != daemon.busName else { return nil }
                return BusItem(daemon: daemon, path: path, interface: interface, properties: objects[path]![interface]!)
            }
        }
    }

    /// Asks one daemon; a daemon that is not running is reported, not thrown.
    static func read(_ daemon: KeepaliveDaemon, on connection: DBusConnection) async throws(KactlFailure) -> Self {
        var status = DaemonStatus(daemon: daemon)
        do {
            status.owner = try await connection.nameOwner(of: daemon.busName)
        } catch {
            throw .busUnavailable("cannot ask the bus who owns \(daemon.busName): \(error)")
        }
        guard status.isRunning else { return status }
        do {
            status.root = try await connection.getAllProperties(
                destination: daemon.busName, path: daemon.rootPath, interface: daemon.busName)
            status.objects = try await connection.managedObjects(destination: daemon.busName, path: daemon.rootPath)
        } catch let error as DBusError where KactlFailure.meansNotRunning(error) {
            status.owner = nil  // it went away while we asked
        } catch {
            status.error = "\(error)"
        }
        return status
    }
}

/// Everything `kactl status` shows: each daemon's state and the objects they serve.
struct StatusSnapshot: Sendable {
    var daemons: [DaemonStatus]

    static func read(on connection: DBusConnection) async throws(KactlFailure) -> Self {
        var daemons: [DaemonStatus] = []
        for daemon in KeepaliveDaemon.allCases {
            daemons.append(try await DaemonStatus.read(daemon, on: connection))
        }
        return StatusSnapshot(daemons: daemons)
    }

    func status(of daemon: KeepaliveDaemon) -> DaemonStatus? { daemons.first { $0.daemon == daemon } }

    var items: [BusItem] { daemons.flatMap(\.items) }

    func items(_ kind: ItemKind) -> [BusItem] { items.filter { $0.interface == kind.interface } }

    /// Objects with interfaces outside the contract, shown generically.
    var otherItems: [BusItem] { items.filter { ItemKind(interface: $0.interface) == nil } }
}
