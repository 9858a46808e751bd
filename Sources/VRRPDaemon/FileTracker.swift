import Dispatch
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Follows the files of `track_file` with inotify on their directories, as keepalived does:
/// a change is seen at once, with no poll to wait for and nothing read while nothing changes.
/// Watching the directory (not the file) sees a file replaced by `rename`, deleted or created
/// later. Only completed writes count (close after write, rename, delete): a file truncated
/// by `echo 5 > f` is never read half-written.
actor FileTracker {
    private let registry: InstanceRegistry
    private let (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    private var watched: Set<String> = []

    init(registry: InstanceRegistry) {
        self.registry = registry
    }

    /// The configuration changed: watch what the instances track now, and read it.
    nonisolated func reconfigured() {
        wake.yield()
    }

    /// Runs until cancelled: reads every tracked file whenever a watched directory changes.
    func run(logger: Logger) async {
        let watcher: DirectoryWatcher
        do {
            watcher = try DirectoryWatcher { [wake] in wake.yield() }
        } catch {
            logger.error("Cannot watch track_file files: \(error); their values are read at start only")
            return
        }
        defer { watcher.close() }
        await refresh(watcher, logger: logger)
        for await _ in wakeups {
            await refresh(watcher, logger: logger)
        }
    }

    private func refresh(_ watcher: DirectoryWatcher, logger: Logger) async {
        let files = await registry.trackedFilePaths()
        for directory in Set(files.values.map(Self.directory(of:))) where !watched.contains(directory) {
            do {
                try watcher.watch(directory)
                watched.insert(directory)
            } catch {
                logger.warning("\(error); track_file values there are read again on reload only")
            }
        }
        for (name, path) in files {
            await registry.fileChanged(name, value: TrackedFile.readValue(at: path))
        }
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

/// An inotify descriptor with a dispatch read source that calls `onChange` after draining
/// the events: the tracker re-reads every file, so which file changed does not matter.
final class DirectoryWatcher: Sendable {
    private let fd: Int32
    /// The read source; its cancel handler closes `fd`. The lock makes `close` happen once.
    private let source: Mutex<(any DispatchSourceRead)?>

    static let events = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE)

    init(onChange: @escaping @Sendable () -> Void) throws(TrackedFileError) {
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw .cannotWatch("inotify", errno: errno) }
        self.fd = fd
        let source = DispatchSource.makeReadSource(
            fileDescriptor: fd, queue: DispatchQueue(label: "keepalive.track-file"))
        source.setEventHandler {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while buffer.withUnsafeMutableBytes({ read(fd, $0.baseAddress, $0.count) }) > 0 {}
            onChange()
        }
        source.setCancelHandler { _ = Glibc.close(fd) }
        source.resume()
        self.source = Mutex(source)
    }

    func watch(_ directory: String) throws(TrackedFileError) {
        guard inotify_add_watch(fd, directory, Self.events) >= 0 else {
            throw .cannotWatch(directory, errno: errno)
        }
    }

    func close() {
        source.withLock { source in
            source?.cancel()
            source = nil
        }
    }
}
