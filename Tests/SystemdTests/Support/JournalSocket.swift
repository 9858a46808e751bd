import Glibc

/// journald's native socket. There is no journald on the test machine: the tests bind the path
/// themselves, as root, and remove it (and the directory, if they made it) afterwards.
enum JournalSocket {
    static let path = "/run/systemd/journal/socket"
    static let directory = "/run/systemd/journal"

    /// True when nothing listens at the path. A socket file left by a crashed run refuses
    /// connections; it is removed so it cannot block the tests forever.
    static func isFree() -> Bool {
        guard access(path, F_OK) == 0 else { return true }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result != 0, errno == ECONNREFUSED else { return false }
        return unlink(path) == 0
    }

    /// Binds the journal socket path; it is removed when the returned socket goes away.
    static func bind() throws -> DatagramSocket {
        let created = mkdir(directory, 0o755) == 0
        guard created || errno == EEXIST else {
            throw DatagramSocket.Failure(what: "mkdir \(directory)", errno: errno)
        }
        return try DatagramSocket(path: path, ownedDirectory: created ? directory : nil)
    }
}
