import Glibc
import Logging
import Synchronization

/// keepalived's `notify_fifo` / `vrrp_notify_fifo`: one line per transition,
/// `INSTANCE "VI_1" MASTER 150` or `GROUP "G" BACKUP 0`, for a reader such as
/// `notify_fifo_script`. A missing FIFO is created; a full one drops lines rather than block.
final class NotifyFIFOs: Sendable {
    private let descriptors: Mutex<[(path: String, fd: Int32)]>
    private let logger: Logger

    /// Opens (creating when needed) every path; one that cannot be opened is logged and skipped.
    init(paths: [String], logger: Logger) {
        self.logger = logger
        var opened: [(String, Int32)] = []
        for path in Set(paths).sorted() {
            if access(path, F_OK) != 0, mkfifo(path, 0o600) != 0 {
                logger.error("Cannot create notify FIFO \(path): \(String(cString: strerror(errno)))")
                continue
            }
            // Read-write, so opening never fails or blocks for want of a reader.
            let fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else {
                logger.error("Cannot open notify FIFO \(path): \(String(cString: strerror(errno)))")
                continue
            }
            opened.append((path, fd))
        }
        descriptors = Mutex(opened)
    }

    deinit {
        descriptors.withLock { for (_, fd) in $0 { close(fd) } }
    }

    func write(kind: String, name: String, state: String, priority: UInt8) {
        let bytes = Array("\(kind) \"\(name)\" \(state) \(priority)\n".utf8)
        descriptors.withLock { descriptors in
            for (path, fd) in descriptors {
                let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                if written != bytes.count {
                    logger.warning("Notify FIFO \(path) is full or broken; a line was dropped")
                }
            }
        }
    }
}
