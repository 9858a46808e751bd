import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One thread in `poll` for every ICMP socket of the process. It exists because a Dispatch
/// read source does not wake for POLLERR alone, which is how Linux signals an ICMP error (host
/// unreachable) queued on a ping socket. (Glibc's Swift module has no epoll, and ping volumes
/// are small: `poll` over the sockets in flight is plenty.)
final class ICMPPoller: Sendable {
    static let shared = ICMPPoller()

    /// Written to whenever the set changes, so the thread rebuilds its poll list.
    private let wake: (read: Int32, write: Int32)
    private let handlers = Mutex<[Int32: @Sendable () -> Void]>([:])

    private init() {
        wake = PollerThread.wakePipe()
        PollerThread.start(name: "checkd-icmp") { [self] in run() }
    }

    /// Calls `handler` (on the poller's thread) once `fd` is readable or has an error; one
    /// shot: call again to wait for more.
    func watch(_ fd: Int32, _ handler: @escaping @Sendable () -> Void) {
        handlers.withLock { $0[fd] = handler }
        poke()
    }

    /// Stops watching `fd`; call before closing it.
    func forget(_ fd: Int32) {
        handlers.withLock { _ = $0.removeValue(forKey: fd) }
        poke()
    }

    private func poke() {
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
    }

    private func run() {
        var drain = [UInt8](repeating: 0, count: 256)
        while true {
            let watched = handlers.withLock { Array($0.keys) }
            var list = [pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
            list += watched.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&list, nfds_t(list.count), -1) > 0 else { continue }
            if list[0].revents != 0 { _ = read(wake.read, &drain, drain.count) }
            for entry in list.dropFirst() where entry.revents != 0 {
                handlers.withLock { $0.removeValue(forKey: entry.fd) }?()
            }
        }
    }
}
