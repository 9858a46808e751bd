import CDBus

extension DBusConnection {
    /// Sends a method call and waits for its reply without blocking any thread: libdbus's
    /// pending call notifies on the connection queue, which resumes the continuation.
    ///
    /// Cancelling the waiting task cancels the pending call and throws `CancellationError`.
    /// - Throws: the error reply as `DBusError`, `NoReply` on timeout, `Disconnected`.
    func sendWithReply(_ message: Message, timeout: Duration) async throws -> Message {
        let milliseconds = Self.milliseconds(timeout)
        let call = PendingReply()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                queue.async { self.start(call, message, milliseconds, continuation) }
            }
        } onCancel: {
            queue.async { call.fail(CancellationError()) }
        }
    }

    /// On `queue`.
    private func start(
        _ call: PendingReply, _ message: Message, _ milliseconds: Int32,
        _ continuation: CheckedContinuation<Message, any Error>
    ) {
        guard !call.isCancelled else {
            continuation.resume(throwing: CancellationError())
            return
        }
        guard !isClosed else {
            continuation.resume(throwing: DBusError.disconnected("the connection to the bus is closed"))
            return
        }
        var pending: OpaquePointer?
        guard dbus_connection_send_with_reply(raw, message.raw, &pending, milliseconds) != 0, let pending else {
            continuation.resume(throwing: DBusError.disconnected("cannot send on a closed connection"))
            return
        }
        call.begin(pending: pending, continuation: continuation)
        let context = Unmanaged.passRetained(call).toOpaque()
        let notify: DBusPendingCallNotifyFunction = { _, context in
            guard let context else { return }
            Unmanaged<PendingReply>.fromOpaque(context).takeUnretainedValue().complete()
        }
        let free: DBusFreeFunction = { context in
            guard let context else { return }
            Unmanaged<PendingReply>.fromOpaque(context).release()
        }
        if dbus_pending_call_set_notify(pending, notify, context, free) == 0 {
            Unmanaged<PendingReply>.fromOpaque(context).release()
            call.fail(DBusError(name: DBusError.noMemory, message: "out of memory"))
        } else if dbus_pending_call_get_completed(pending) != 0 {
            call.complete()
        }
    }
}

/// One outstanding method call: resumes its continuation exactly once, whether the reply
/// comes, the call times out, or the waiting task is cancelled.
///
/// `@unchecked Sendable`: created on any thread but only read or changed on the connection queue.
final class PendingReply: @unchecked Sendable {
    private var pending: OpaquePointer?
    private var continuation: CheckedContinuation<Message, any Error>?
    private(set) var isCancelled = false

    func begin(pending: OpaquePointer, continuation: CheckedContinuation<Message, any Error>) {
        self.pending = pending
        self.continuation = continuation
    }

    /// The reply (or libdbus's timeout error) is in.
    func complete() {
        guard let pending, let continuation else { return }
        self.continuation = nil
        self.pending = nil
        defer { dbus_pending_call_unref(pending) }
        guard let raw = dbus_pending_call_steal_reply(pending) else {
            continuation.resume(throwing: DBusError(name: DBusError.noReply, message: "no reply"))
            return
        }
        let reply = Message(owning: raw)
        if reply.isError {
            continuation.resume(throwing: reply.asError())
        } else {
            continuation.resume(returning: reply)
        }
    }

    /// Gives up waiting; a reply arriving later is dropped by libdbus.
    func fail(_ error: any Error) {
        if error is CancellationError { isCancelled = true }
        guard let pending, let continuation else { return }
        self.continuation = nil
        self.pending = nil
        dbus_pending_call_cancel(pending)
        dbus_pending_call_unref(pending)
        continuation.resume(throwing: error)
    }
}
