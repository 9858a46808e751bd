import CLinux
import Dispatch
import Glibc
import Synchronization

/// One socket file descriptor and, once receiving started, the dispatch read source on it.
///
/// The lock makes `close` and every send agree: a send either runs before the close starts or
/// sees `.closed`, so a closed number that the kernel hands out again is never written to. With
/// a read source, the fd is closed by the source's cancel handler, after the last read.
final class SocketDescriptor: Sendable {
    private struct State {
        var fd: Int32?
        var readSource: (any DispatchSourceRead)?
        var receiving = false
    }

    private let state: Mutex<State>

    init(_ fd: Int32) {
        state = Mutex(State(fd: fd))
    }

    deinit {
        close()
    }

    /// Runs `body` with the open fd under the lock; `.closed` once closed.
    func withOpenDescriptor<Result>(
        _ body: (Int32) throws(VRRPSocketError) -> Result
    ) throws(VRRPSocketError) -> Result {
        try state.withLock { (state) throws(VRRPSocketError) -> Result in
            guard let fd = state.fd else { throw .closed }
            return try body(fd)
        }
    }

    var isOpen: Bool {
        state.withLock { $0.fd != nil }
    }

    /// Starts reading on `queue`: `onReadable` runs there for every readiness event, and
    /// `onCancel` after the fd is closed. Only the first call starts anything; later calls
    /// (or calls after close) return false.
    func startReading(
        on queue: DispatchQueue, onReadable: @escaping @Sendable (Int32) -> Void,
        onCancel: @escaping @Sendable () -> Void
    ) -> Bool {
        state.withLock { state in
            guard let fd = state.fd, !state.receiving else { return false }
            state.receiving = true
            let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
            source.setEventHandler { onReadable(fd) }
            source.setCancelHandler {
                _ = Glibc.close(fd)
                onCancel()
            }
            state.readSource = source
            source.resume()
            return true
        }
    }

    /// Closes the socket; idempotent. With a read source the close happens on its queue.
    func close() {
        let source = state.withLock { state -> (any DispatchSourceRead)? in
            guard let fd = state.fd else { return nil }
            state.fd = nil
            guard let source = state.readSource else {
                _ = Glibc.close(fd)
                return nil
            }
            state.readSource = nil
            return source
        }
        source?.cancel()
    }
}
