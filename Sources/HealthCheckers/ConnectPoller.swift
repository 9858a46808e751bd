import CLinux
import NIOCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// TCP_CHECK's engine: one thread in `epoll_wait` for every connect the process has in flight,
/// keeping the timers that start checks and bound their connects too. A check is then a
/// nonblocking socket, a connect and an epoll registration, where a NIO `ClientBootstrap` built
/// a channel, a pipeline, promises and a scheduled task for each (most of checkd's CPU at
/// 10,000 checks a second).
final class ConnectPoller: Sendable {
    static let shared = ConnectPoller()

    /// A connect's outcome: 0 when it completed, else its errno (`ETIMEDOUT` for our timeout).
    typealias Completion = @Sendable (Int32) -> Void

    fileprivate struct Connect {
        var id: UInt64
        var completion: Completion
        var reuse: Reuse?
    }

    /// How a socket with no options and no source address is kept for the next connect of its
    /// family: `registered` says it is in the epoll set already (disarmed, EPOLLONESHOT).
    fileprivate struct Reuse {
        var family: Int32
        var registered: Bool
    }

    /// Idle sockets kept at most: about the connects a busy checkd has in flight.
    private static let idleLimit = 1024

    private struct State {
        var timers = TimerQueue()
        /// What each live timer runs; a cancelled or fired timer has no entry.
        var actions: [UInt64: @Sendable () -> Void] = [:]
        /// The connect in flight on each descriptor, indexed by the descriptor itself.
        var connects = ConnectTable()
        var nextID: UInt64 = 1
        /// Set while the thread is in `epoll_wait`, with the deadline (since `TimerQueue.origin`)
        /// it will wake at by itself (nil: none); a timer due sooner must wake it.
        var waiting = false
        var wakeAt: Duration?

        /// Disconnected sockets ready for another connect.
        var idle: [(fd: Int32, reuse: Reuse)] = []

        mutating func takeIdle(family: Int32) -> (fd: Int32, reuse: Reuse)? {
            guard let index = idle.lastIndex(where: { $0.reuse.family == family }) else { return nil }
            return idle.remove(at: index)
        }

        /// - Returns: false when the pool is full.
        mutating func keepIdle(_ fd: Int32, _ reuse: Reuse) -> Bool {
            guard idle.count < ConnectPoller.idleLimit else { return false }
            idle.append((fd, reuse))
            return true
        }

        /// Adds a timer. - Returns: true when the thread sleeps past it and must be woken.
        /// `lane`: the length of a timeout measured from now (see `TimerQueue`).
        mutating func insertTimer(_ entry: TimerQueue.Entry, lane: Duration? = nil) -> Bool {
            if let lane { timers.insert(entry, lane: lane) } else { timers.insert(entry) }
            guard waiting, wakeAt.map({ entry.deadline < $0 }) ?? true else { return false }
            wakeAt = entry.deadline
            return true
        }
    }

    /// Descriptors are small integers the kernel reuses lowest first: an array indexed by them
    /// costs no hashing on the 20,000 lookups a second of a busy checkd.
    fileprivate struct ConnectTable {
        private var slots: [Connect?] = []

        subscript(fd: Int32) -> Connect? {
            get { Int(fd) < slots.count ? slots[Int(fd)] : nil }
            set {
                let index = Int(fd)
                if index >= slots.count {
                    guard newValue != nil else { return }
                    slots.append(contentsOf: repeatElement(nil, count: index + 1 - slots.count))
                }
                slots[index] = newValue
            }
        }

        mutating func removeValue(forKey fd: Int32) -> Connect? {
            defer { self[fd] = nil }
            return self[fd]
        }
    }

    private let epoll: Int32
    /// Written to when a timer is due before the thread would wake.
    private let wake: (read: Int32, write: Int32)
    private let state = Mutex(State())

    private init() {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        wake = PollerThread.wakePipe()
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.u64 = UInt64(UInt32(bitPattern: wake.read))
        epoll_ctl(epoll, EPOLL_CTL_ADD, wake.read, &event)
        PollerThread.start(name: "checkd-connect") { [self] in run() }
    }

    /// Runs `action` on the poller's thread once `deadline` has come; it must be quick.
    /// - Returns: the timer, for `cancel(_:)`.
    @discardableResult
    func schedule(at deadline: ContinuousClock.Instant, _ action: @escaping @Sendable () -> Void) -> UInt64 {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        schedule(at: deadline, id: id, action)
        return id
    }

    /// Cancels a timer. - Returns: true when its action had not run and now never will.
    func cancel(_ timer: UInt64) -> Bool {
        state.withLock { $0.actions.removeValue(forKey: timer) != nil }
    }

    /// Connects to `remote` (from `local` when set) without blocking, ending an established
    /// connection with a reset (no TIME_WAIT left behind by thousands of checks a second).
    /// `completion` runs once, on the poller's thread or, when the connect ends at once, on the
    /// caller's.
    ///
    /// A socket with no options and no source address is not closed but disconnected and kept
    /// for the next connect: socket(2) and close(2) were a quarter of checkd's kernel time. A
    /// socket whose connect timed out is closed (its epoll registration is still armed).
    func connect(
        to remote: SocketAddress, from local: SocketAddress?, socketOptions: [(name: Int32, value: Int32)] = [],
        timeout: Duration, completion: @escaping Completion
    ) {
        let family = Int32(remote.protocol.rawValue)
        var reuse: Reuse?
        var fd: Int32 = -1
        if socketOptions.isEmpty, local == nil {
            reuse = Reuse(family: family, registered: false)
            if let idle = state.withLock({ $0.takeIdle(family: family) }) {
                fd = idle.fd
                reuse = idle.reuse
            }
        }
        if fd < 0 {
            fd = socket(family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { return completion(errno) }
        }
        // fwmark and bind_if go on before bind and connect, as keepalived sets them.
        for option in socketOptions {
            var value = option.value
            if setsockopt(fd, SOL_SOCKET, option.name, &value, socklen_t(MemoryLayout<Int32>.size)) != 0 {
                return finish(fd, errno, completion)
            }
        }
        if let local {
            var on: Int32 = 1
            _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
            let bound = local.withSockAddr { bind(fd, $0, socklen_t($1)) }
            if bound != 0 { return finish(fd, errno, completion) }
        }
        let connected = remote.withSockAddr { Glibc.connect(fd, $0, socklen_t($1)) }
        if connected == 0 { return finish(fd, 0, completion, reuse: reuse) }
        let code = errno
        guard code == EINPROGRESS else { return finish(fd, code, completion, reuse: reuse) }
        let registered = reuse?.registered ?? false
        reuse?.registered = true
        // The connect and its timeout share an id: whichever ends first removes the connect, and
        // the other finds it gone (a timer entry names its descriptor, so it needs no closure).
        let deadline = ContinuousClock.now + timeout
        let (id, poke) = state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.connects[fd] = Connect(id: id, completion: completion, reuse: reuse)
            return (id, state.insertTimer(.init(deadline: deadline, id: id, fd: fd), lane: timeout))
        }
        if poke { wakeUp() }
        // One event per connect, tagged with the connect's id as well as its descriptor: a
        // socket we closed while a forked child still held it stays registered under its old
        // number, and its events must not be taken for those of the new socket on that number.
        guard arm(fd, tag: Self.tag(fd: fd, id: id), modify: registered) else {
            let code = errno
            guard state.withLock({ $0.connects.removeValue(forKey: fd) }) != nil else { return }
            return finish(fd, code, completion)
        }
    }

    private func schedule(at deadline: ContinuousClock.Instant, id: UInt64, _ action: @escaping @Sendable () -> Void) {
        let poke = state.withLock { state in
            state.actions[id] = action
            return state.insertTimer(.init(deadline: deadline, id: id))
        }
        if poke { wakeUp() }
    }

    private func wakeUp() {
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
    }

    private func finish(_ fd: Int32, _ code: Int32, _ completion: Completion, reuse: Reuse? = nil) {
        if let reuse, Self.disconnect(fd), state.withLock({ $0.keepIdle(fd, reuse) }) {
            return completion(code)
        }
        if code == 0 {
            // Only an established connection can leave a TIME_WAIT; a refused or timed-out one
            // closes without the extra setsockopt.
            var reset = linger(l_onoff: 1, l_linger: 0)
            _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, socklen_t(MemoryLayout<linger>.size))
        }
        close(fd)
        completion(code)
    }

    /// Whether the socket has a peer: a connect that completed.
    private static func isConnected(_ fd: Int32) -> Bool {
        var peer = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        return withUnsafeMutablePointer(to: &peer) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) == 0 }
        }
    }

    /// connect(2) with AF_UNSPEC: drops the connection (with a reset when it was established) and
    /// leaves the socket ready to connect again. The kernel then leaves ECONNRESET in SO_ERROR,
    /// which the next connect's first poll would report: reading it clears it.
    private static func disconnect(_ fd: Int32) -> Bool {
        var unspecified = sockaddr()
        unspecified.sa_family = sa_family_t(AF_UNSPEC)
        guard Glibc.connect(fd, &unspecified, socklen_t(MemoryLayout<sockaddr>.size)) == 0 else { return false }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0
    }

    /// Waits for one writable or error event on `fd`, reported with `tag`; `modify` re-arms a
    /// socket already in the set. - Returns: false with errno set when epoll refuses.
    private func arm(_ fd: Int32, tag: UInt64, modify: Bool) -> Bool {
        var event = epoll_event()
        event.events = EPOLLOUT.rawValue | EPOLLONESHOT.rawValue
        event.data.u64 = tag
        return epoll_ctl(epoll, modify ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &event) == 0
    }

    /// An event's tag: the descriptor in the low half, the low half of the connect's id above.
    private static func tag(fd: Int32, id: UInt64) -> UInt64 {
        UInt64(UInt32(bitPattern: fd)) | UInt64(truncatingIfNeeded: id) << 32
    }

    /// The connect tagged `tag` ended: `events` says writable, or in error. A tag whose connect
    /// is gone (timed out, or a stale registration of a closed socket) is ignored.
    private func connected(_ tag: UInt64, events: UInt32) {
        let fd = Int32(bitPattern: UInt32(truncatingIfNeeded: tag))
        let connect = state.withLock { state -> Connect? in
            guard let connect = state.connects[fd], Self.tag(fd: fd, id: connect.id) == tag else { return nil }
            return state.connects.removeValue(forKey: fd)
        }
        guard let connect else { return }
        var code: Int32 = 0
        // Writable with no error or hang-up is a completed connect; only a failed one needs
        // SO_ERROR to say why.
        if events & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 {
            var length = socklen_t(MemoryLayout<Int32>.size)
            if getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length) != 0 { code = errno }
            // An error wake-up with no error on a connect still under way (seen on reused
            // sockets) is not an answer: wait on, the timeout still stands.
            if code == 0, !Self.isConnected(fd) {
                state.withLock { $0.connects[fd] = connect }
                if arm(fd, tag: tag, modify: true) { return }
                code = errno
                guard state.withLock({ $0.connects.removeValue(forKey: fd) }) != nil else { return }
            }
        }
        finish(fd, code, connect.completion, reuse: connect.reuse)
    }

    private func run() {
        let capacity: Int32 = 512
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: Int(capacity))
        var drain = [UInt8](repeating: 0, count: 64)
        while true {
            let timeout = state.withLock { state in
                state.waiting = true
                state.wakeAt = state.timers.first?.deadline
                return Self.milliseconds(until: state.wakeAt.map { TimerQueue.origin + $0 })
            }
            let count = epoll_wait(epoll, events, capacity, timeout)
            state.withLock { $0.waiting = false }
            for index in 0..<Int(max(count, 0)) {
                let tag = events[index].data.u64
                if tag == UInt64(UInt32(bitPattern: wake.read)) {
                    while read(wake.read, &drain, drain.count) > 0 {}
                } else {
                    connected(tag, events: events[index].events)
                }
            }
            runDueTimers()
        }
    }

    private func runDueTimers() {
        let (due, expired) = state.withLock { state in
            var due: [@Sendable () -> Void] = []
            var expired: [(fd: Int32, completion: Completion)] = []
            state.timers.popAllDue(at: .now) { entry in
                if let fd = entry.fd {
                    // A connect's timeout, unless the connect ended already (and `fd` is
                    // another socket now).
                    guard state.connects[fd]?.id == entry.id, let connect = state.connects.removeValue(forKey: fd)
                    else { return }
                    expired.append((fd, connect.completion))
                } else if let action = state.actions.removeValue(forKey: entry.id) {
                    due.append(action)
                }
            }
            return (due, expired)
        }
        for connect in expired { finish(connect.fd, ETIMEDOUT, connect.completion) }
        for action in due { action() }
    }

    /// `epoll_wait`'s timeout: whole milliseconds, rounded up so a wake is never early; 0 for
    /// a deadline already past (a negative timeout would wait forever).
    private static func milliseconds(until deadline: ContinuousClock.Instant?) -> Int32 {
        guard let deadline else { return -1 }
        let remaining = deadline - .now
        guard remaining > .zero else { return 0 }
        let (seconds, attoseconds) = remaining.components
        guard seconds < Int64(Int32.max / 1000) else { return Int32.max }
        return Int32(seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }
}
