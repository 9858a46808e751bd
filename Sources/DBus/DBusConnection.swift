import CDBus
import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A connection to a message bus: the client side (calls, properties, signal subscriptions)
/// and the server side (exported objects, owned names).
///
/// Every libdbus call for the connection runs on one private serial `DispatchQueue`; libdbus
/// watches and timeouts are dispatch sources on that queue, so no thread ever blocks waiting for
/// the bus and messages queued by any task are written as soon as the socket is writable.
/// Method handlers run as tasks, off the queue.
///
/// The connection keeps itself alive until `close()` is called or the bus goes away; then every
/// subscription ends with `DBusError.disconnected`, calls fail, and `waitUntilDisconnected()`
/// returns. Reconnecting is the owner's job: make a new connection.
///
/// `@unchecked Sendable`: all mutable state below is confined to `queue` (only touched from
/// blocks running on it); the one flag read from other threads is behind a `Mutex`.
public final class DBusConnection: @unchecked Sendable {
    let queue: DispatchQueue
    let raw: OpaquePointer
    /// The unique name the bus gave this connection, e.g. `:1.42`.
    public let uniqueName: String

    // Queue-confined state.
    var keepAlive: Unmanaged<DBusConnection>?
    var isClosed = false
    var disconnectWaiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    var nextDisconnectWaiter: UInt64 = 0
    var objects: [ObjectPath: ExportedObjectState] = [:]
    var objectManagers: Set<ObjectPath> = []
    var subscriptions: [UInt64: SignalSubscriptionState] = [:]
    var nameOwners: [String: NameOwnerTracking] = [:]
    var nextSubscriptionID: UInt64 = 0

    private let closedFlag = Mutex(false)

    private init(raw: OpaquePointer, uniqueName: String, queue: DispatchQueue) {
        self.raw = raw
        self.uniqueName = uniqueName
        self.queue = queue
    }

    deinit {
        dbus_connection_unref(raw)
    }

    /// Connects to the system bus: `DBUS_SYSTEM_BUS_ADDRESS` when set, the standard socket otherwise.
    public static func systemBus() async throws -> DBusConnection {
        let address =
            getenv("DBUS_SYSTEM_BUS_ADDRESS").map { String(cString: $0) }
            ?? "unix:path=/run/dbus/system_bus_socket"
        return try await connect(address: address)
    }

    /// Connects to the bus at a D-Bus address (`unix:path=...`) and registers with it (`Hello`).
    ///
    /// The connect and handshake run on the connection's own queue, never on the caller's executor.
    /// - Throws: `DBusError` when the address is unusable or the bus refuses the connection.
    public static func connect(address: String) async throws -> DBusConnection {
        let queue = DispatchQueue(label: "keepalive.dbus.connection")
        let connection: DBusConnection = try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(
                    with: Result { () throws(DBusError) in
                        try open(address: address, queue: queue)
                    })
            }
        }
        return connection
    }

    /// Runs on `queue`: opens, registers and hooks the connection into dispatch.
    private static func open(address: String, queue: DispatchQueue) throws(DBusError) -> DBusConnection {
        var error = CDBus.DBusError()
        dbus_error_init(&error)
        defer { dbus_error_free(&error) }
        guard let raw = dbus_connection_open_private(address, &error) else {
            throw DBusError(cError: error, fallback: "cannot connect to \(address)")
        }
        dbus_connection_set_exit_on_disconnect(raw, 0)
        guard dbus_bus_register(raw, &error) != 0, let name = dbus_bus_get_unique_name(raw) else {
            let failure = DBusError(cError: error, fallback: "cannot register with the bus at \(address)")
            dbus_connection_close(raw)
            dbus_connection_unref(raw)
            throw failure
        }
        let connection = DBusConnection(raw: raw, uniqueName: String(cString: name), queue: queue)
        connection.keepAlive = Unmanaged.passRetained(connection)
        connection.installEventLoop()
        return connection
    }

    /// Whether the connection has been closed or lost.
    public var isDisconnected: Bool { closedFlag.withLock { $0 } }

    /// Closes the connection. Pending subscriptions end, later calls fail with `Disconnected`.
    public func close() {
        queue.async { self.shutDown() }
    }

    /// Returns once the connection is closed or the bus went away.
    public func waitUntilDisconnected() async {
        // Cancellation returns early too, so a task group waiting here can finish.
        let cancelled = Mutex(false)
        let id = Mutex<UInt64?>(nil)
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                queue.async {
                    if self.isClosed || cancelled.withLock({ $0 }) {
                        continuation.resume()
                    } else {
                        self.nextDisconnectWaiter += 1
                        id.withLock { $0 = self.nextDisconnectWaiter }
                        self.disconnectWaiters[self.nextDisconnectWaiter] = continuation
                    }
                }
            }
        } onCancel: {
            cancelled.withLock { $0 = true }
            queue.async {
                if let key = id.withLock({ $0 }), let waiter = self.disconnectWaiters.removeValue(forKey: key) {
                    waiter.resume()
                }
            }
        }
    }

    /// On `queue`: tears everything down once; safe to call again.
    func shutDown() {
        guard !isClosed else { return }
        isClosed = true
        closedFlag.withLock { $0 = true }
        dbus_connection_close(raw)
        removeEventLoop()
        let lost = DBusError.disconnected("the connection to the bus is closed")
        for subscription in subscriptions.values { subscription.continuation.finish(throwing: lost) }
        subscriptions.removeAll()
        nameOwners.removeAll()
        objects.removeAll()
        for waiter in disconnectWaiters.values { waiter.resume() }
        disconnectWaiters.removeAll()
        keepAlive?.release()
        keepAlive = nil
    }

    // MARK: Sending

    /// Sends a message that expects no reply; errors (a closed connection) are dropped,
    /// matching D-Bus semantics for signals and replies.
    func send(_ message: Message) {
        queue.async {
            guard !self.isClosed else { return }
            dbus_connection_send(self.raw, message.raw, nil)
        }
    }

    static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let total = seconds.multipliedReportingOverflow(by: 1000)
        guard !total.overflow else { return Int32.max }
        return Int32(clamping: max(0, total.partialValue + attoseconds / 1_000_000_000_000_000))
    }

    // MARK: Incoming messages

    /// On `queue`, from the libdbus filter: routes one incoming message.
    func handle(_ message: Message) -> Bool {
        if message.isSignal {
            if message.interface == "org.freedesktop.DBus.Local", message.member == "Disconnected" {
                shutDown()
                return true
            }
            deliverSignal(message)
            return false
        }
        if message.isMethodCall {
            handleMethodCall(message)
            return true
        }
        return false
    }
}

extension DBusError {
    init(cError: CDBus.DBusError, fallback: String) {
        if let name = cError.name {
            self.init(name: String(cString: name), message: cError.message.map { String(cString: $0) } ?? fallback)
        } else {
            self.init(name: DBusError.failed, message: fallback)
        }
    }
}
