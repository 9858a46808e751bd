import CLinux

#if canImport(Glibc)
    import Glibc
#endif

/// What `ICMPPoller` and `ConnectPoller` share: a nonblocking self-pipe to wake their blocked
/// poll, and a detached thread of their own that runs for the life of the process.
enum PollerThread {
    /// A pipe whose ends are close-on-exec and nonblocking.
    static func wakePipe() -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        pipe(&ends)
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
        }
        return (ends[0], ends[1])
    }

    /// Runs `body` on a new detached thread called `name` (at most 15 bytes), the name `top -H`
    /// and `ps -L` show; otherwise it inherits its creator's, a Swift concurrency pool thread's.
    static func start(name: String, _ body: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passRetained(
            Body {
                _ = clinux_set_thread_name(name)
                body()
            }
        ).toOpaque()
        var thread = pthread_t()
        pthread_create(
            &thread, nil,
            { context in
                Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
                return nil
            }, context)
        pthread_detach(thread)
    }

    private final class Body: Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}
