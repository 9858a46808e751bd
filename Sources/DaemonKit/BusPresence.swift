import DBus
import Logging
import Synchronization

/// The daemon's presence on the bus: one connection, its well-known name, and the objects it
/// publishes. When the bus goes away the daemon keeps working; `maintain()` reconnects, owns the
/// name again and re-exports every object with its latest property values.
public actor BusPresence {
    public nonisolated let busName: String
    nonisolated let address: String?
    nonisolated let logger: Logger
    private(set) var connection: DBusConnection?
    private var objects: [PublishedObject] = []
    private var managerPaths: Set<ObjectPath> = []

    public init(busName: String, address: String?, logger: Logger) {
        self.busName = busName
        self.address = address
        self.logger = logger
    }

    /// Connects and owns the name. Throws when the bus cannot be reached or the name is taken.
    public func connect() async throws {
        let connection =
            if let address { try await DBusConnection.connect(address: address) } else {
                try await DBusConnection.systemBus()
            }
        do {
            for path in managerPaths { await connection.addObjectManager(at: path) }
            for object in objects { try await object.export(on: connection) }
            try await connection.requestName(busName)
        } catch {
            connection.close()
            throw error
        }
        self.connection = connection
        logger.info("Owning bus name \(busName) as \(connection.uniqueName)")
    }

    /// Serves `ObjectManager` at `path` (the root object), now and after every reconnect.
    public func addObjectManager(at path: ObjectPath) async {
        managerPaths.insert(path)
        await connection?.addObjectManager(at: path)
    }

    /// Publishes an object now (if connected) and after every reconnect.
    @discardableResult
    public func publish(_ object: DBusObject) async throws -> PublishedObject {
        let published = PublishedObject(template: object)
        objects.append(published)
        if let connection { try await published.export(on: connection) }
        return published
    }

    /// The published object at `path` (the root object, for a role updating its properties).
    public func published(at path: ObjectPath) -> PublishedObject? {
        objects.first { $0.path == path }
    }

    /// Removes an object from the bus for good.
    public func withdraw(_ object: PublishedObject) async {
        objects.removeAll { $0 === object }
        await object.unexport()
    }

    /// A client handle for calls the daemon makes itself (polkit, following other daemons).
    public var currentConnection: DBusConnection? { connection }

    /// Waits for the connection to drop, then reconnects with backoff; forever, until cancelled.
    public func maintain() async {
        while !Task.isCancelled {
            if let connection {
                await connection.waitUntilDisconnected()  // returns on cancellation too
                if Task.isCancelled { return }
                logger.warning("Lost the D-Bus connection; keeping state and reconnecting")
                self.connection = nil
            }
            var delay = Duration.milliseconds(250)
            while connection == nil, !Task.isCancelled {
                do {
                    try await connect()
                } catch {
                    logger.debug("D-Bus reconnect failed: \(error)")
                    try? await Task.sleep(for: delay)
                    delay = min(delay * 2, .seconds(5))
                }
            }
        }
    }

    /// Releases the name and closes the connection.
    public func disconnect() async {
        if let connection {
            try? await connection.releaseName(busName)
            connection.close()
        }
        connection = nil
    }
}

/// An object the daemon publishes, stable across reconnects: property updates and signals go
/// to whichever connection is current, and the latest values are re-exported after a reconnect.
public final class PublishedObject: Sendable {
    public let path: ObjectPath
    private let state: Mutex<State>

    struct State {
        var template: DBusObject
        var exported: DBusExportedObject?
    }

    init(template: DBusObject) {
        path = template.path
        state = Mutex(State(template: template))
    }

    func export(on connection: DBusConnection) async throws {
        let template = state.withLock { $0.template }
        let exported = try await connection.export(template)
        // An update that landed while the export was under way changed the template but had no
        // bus handle to announce through: announce whatever differs from what was exported.
        let current = state.withLock { state in
            state.exported = exported
            return state.template
        }
        for (interface, values) in current.propertyValues {
            let before = template.propertyValues[interface] ?? [:]
            let changed = values.filter { before[$0.key] != $0.value }
            if !changed.isEmpty { try exported.updateProperties(interface, changed) }
        }
    }

    func unexport() async {
        let exported = state.withLock { state in
            defer { state.exported = nil }
            return state.exported
        }
        await exported?.unexport()
    }

    /// Changes properties; announced with one `PropertiesChanged` when connected.
    public func update(_ interface: String, _ changes: [String: DBusValue]) throws {
        let exported = try state.withLock { state in
            for (name, value) in changes { try state.template.setProperty(interface, name, value) }
            return state.exported
        }
        try exported?.updateProperties(interface, changes)
    }

    /// Emits a signal when connected; a signal during a bus outage is lost, as on any bus.
    public func emit(_ interface: String, _ signal: String, _ arguments: [DBusValue] = []) throws {
        try state.withLock { $0.exported }?.emitSignal(interface, signal, arguments)
    }
}
