import CDBus
import Dispatch

/// A libdbus watch mapped to a dispatch source on the connection queue. Queue-confined.
final class WatchSource: @unchecked Sendable {
    let watch: OpaquePointer
    unowned let connection: DBusConnection
    var sources: [any DispatchSourceProtocol] = []

    init(watch: OpaquePointer, connection: DBusConnection) {
        self.watch = watch
        self.connection = connection
    }

    /// Starts or stops the sources to match what libdbus currently wants.
    func update() {
        stop()
        guard dbus_watch_get_enabled(watch) != 0 else { return }
        let fd = dbus_watch_get_unix_fd(watch)
        guard fd >= 0 else { return }
        let flags = dbus_watch_get_flags(watch)
        let watch = self.watch
        let connection = self.connection
        if flags & DBUS_WATCH_READABLE.rawValue != 0 {
            let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: connection.queue)
            source.setEventHandler {
                dbus_watch_handle(watch, DBUS_WATCH_READABLE.rawValue)
                connection.dispatchPending()
            }
            sources.append(source)
            source.resume()
        }
        if flags & DBUS_WATCH_WRITABLE.rawValue != 0 {
            let source = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: connection.queue)
            source.setEventHandler {
                dbus_watch_handle(watch, DBUS_WATCH_WRITABLE.rawValue)
                connection.dispatchPending()
            }
            sources.append(source)
            source.resume()
        }
    }

    func stop() {
        for source in sources { source.cancel() }
        sources.removeAll()
    }
}

/// A libdbus timeout mapped to a repeating dispatch timer. Queue-confined.
final class TimeoutSource: @unchecked Sendable {
    let timeout: OpaquePointer
    unowned let connection: DBusConnection
    var timer: (any DispatchSourceTimer)?

    init(timeout: OpaquePointer, connection: DBusConnection) {
        self.timeout = timeout
        self.connection = connection
    }

    func update() {
        stop()
        guard dbus_timeout_get_enabled(timeout) != 0 else { return }
        let interval = DispatchTimeInterval.milliseconds(Int(max(1, dbus_timeout_get_interval(timeout))))
        let timer = DispatchSource.makeTimerSource(queue: connection.queue)
        let timeout = self.timeout
        let connection = self.connection
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler {
            dbus_timeout_handle(timeout)
            connection.dispatchPending()
        }
        self.timer = timer
        timer.resume()
    }

    func stop() {
        timer?.cancel()
        timer = nil
    }
}

extension DBusConnection {
    /// On `queue`: hands libdbus our watch, timeout, dispatch-status and filter callbacks.
    /// The context pointer is this connection, kept alive by `keepAlive` until `shutDown`.
    func installEventLoop() {
        let context = Unmanaged.passUnretained(self).toOpaque()
        dbus_connection_set_watch_functions(
            raw,
            { watch, context in
                guard let watch, let context else { return 0 }
                let connection = Unmanaged<DBusConnection>.fromOpaque(context).takeUnretainedValue()
                let source = WatchSource(watch: watch, connection: connection)
                dbus_watch_set_data(watch, Unmanaged.passRetained(source).toOpaque()) { data in
                    guard let data else { return }
                    let source = Unmanaged<WatchSource>.fromOpaque(data).takeRetainedValue()
                    source.stop()
                }
                source.update()
                return 1
            },
            { watch, _ in
                guard let watch, let data = dbus_watch_get_data(watch) else { return }
                Unmanaged<WatchSource>.fromOpaque(data).takeUnretainedValue().stop()
            },
            { watch, _ in
                guard let watch, let data = dbus_watch_get_data(watch) else { return }
                Unmanaged<WatchSource>.fromOpaque(data).takeUnretainedValue().update()
            },
            context, nil)
        dbus_connection_set_timeout_functions(
            raw,
            { timeout, context in
                guard let timeout, let context else { return 0 }
                let connection = Unmanaged<DBusConnection>.fromOpaque(context).takeUnretainedValue()
                let source = TimeoutSource(timeout: timeout, connection: connection)
                dbus_timeout_set_data(timeout, Unmanaged.passRetained(source).toOpaque()) { data in
                    guard let data else { return }
                    let source = Unmanaged<TimeoutSource>.fromOpaque(data).takeRetainedValue()
                    source.stop()
                }
                source.update()
                return 1
            },
            { timeout, _ in
                guard let timeout, let data = dbus_timeout_get_data(timeout) else { return }
                Unmanaged<TimeoutSource>.fromOpaque(data).takeUnretainedValue().stop()
            },
            { timeout, _ in
                guard let timeout, let data = dbus_timeout_get_data(timeout) else { return }
                Unmanaged<TimeoutSource>.fromOpaque(data).takeUnretainedValue().update()
            },
            context, nil)
        dbus_connection_set_dispatch_status_function(
            raw,
            { _, status, context in
                guard let context, status == DBUS_DISPATCH_DATA_REMAINS else { return }
                let connection = Unmanaged<DBusConnection>.fromOpaque(context).takeUnretainedValue()
                connection.queue.async { connection.dispatchPending() }
            },
            context, nil)
        dbus_connection_add_filter(
            raw,
            { _, message, context in
                guard let message, let context else { return DBUS_HANDLER_RESULT_NOT_YET_HANDLED }
                let connection = Unmanaged<DBusConnection>.fromOpaque(context).takeUnretainedValue()
                let handled = connection.handle(Message(retaining: message))
                return handled ? DBUS_HANDLER_RESULT_HANDLED : DBUS_HANDLER_RESULT_NOT_YET_HANDLED
            },
            context, nil)
        // Messages that arrived during the handshake are already queued.
        queue.async { self.dispatchPending() }
    }

    /// On `queue`: detaches every callback so libdbus never calls into a released connection.
    func removeEventLoop() {
        dbus_connection_set_watch_functions(raw, nil, nil, nil, nil, nil)
        dbus_connection_set_timeout_functions(raw, nil, nil, nil, nil, nil)
        dbus_connection_set_dispatch_status_function(raw, nil, nil, nil)
    }

    /// On `queue`: hands every complete incoming message to its handler.
    func dispatchPending() {
        while !isClosed, dbus_connection_get_dispatch_status(raw) == DBUS_DISPATCH_DATA_REMAINS {
            dbus_connection_dispatch(raw)
        }
    }
}
