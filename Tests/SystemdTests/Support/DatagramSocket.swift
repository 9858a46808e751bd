import Glibc

/// A unix datagram socket bound by a test, standing in for systemd's notify socket or
/// journald's native socket: it receives exactly what libsystemd sends.
final class DatagramSocket {
    struct Failure: Error, CustomStringConvertible {
        let what: String
        let errno: Int32
        var description: String { "\(what): \(String(cString: strerror(errno)))" }
    }

    let path: String
    private let fd: Int32
    private let directory: String?

    /// Binds a socket named `notify` in a fresh temporary directory.
    convenience init() throws {
        var template = Array("/tmp/keepalive-systemd.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure(what: "mkdtemp", errno: errno) }
        let directory = String(cString: made)
        try self.init(path: directory + "/notify", ownedDirectory: directory)
    }

    /// Binds at `path`; `ownedDirectory` is removed again on close.
    init(path: String, ownedDirectory: String?) throws {
        self.path = path
        self.directory = ownedDirectory
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(what: "socket", errno: errno) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw Failure(what: "path too long: \(path)", errno: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else {
            let error = errno
            close(fd)
            throw Failure(what: "bind \(path)", errno: error)
        }
        // A guard against hanging forever if libsystemd never sends: not a timing assertion.
        var limit = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(fd)
        unlink(path)
        if let directory { rmdir(directory) }
    }

    /// The next datagram, waiting for it (up to the 30 s guard).
    func receive() throws -> [UInt8] {
        try read(flags: 0) ?? []
    }

    /// The next datagram as text.
    func receiveText() throws -> String {
        String(decoding: try receive(), as: UTF8.self)
    }

    /// A datagram already queued, or `nil` when none is: for proving something was NOT sent.
    func receiveIfQueued() throws -> String? {
        try read(flags: Int32(MSG_DONTWAIT)).map { String(decoding: $0, as: UTF8.self) }
    }

    private func read(flags: Int32) throws -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, flags) }
            if count >= 0 { return Array(buffer[..<count]) }
            switch errno {
            case EINTR: continue
            case EAGAIN where flags & Int32(MSG_DONTWAIT) != 0: return nil
            default: throw Failure(what: "recv on \(path)", errno: errno)
            }
        }
    }
}

/// Runs `body` with environment variables set (`nil` unsets), restoring the old values after.
/// The environment is process-global: only call this from `.serialized` suites.
@discardableResult
func withEnvironment<T>(
    _ values: [String: String?],
    _ body: () async throws -> T
) async throws -> T {
    var saved: [String: String?] = [:]
    for (name, value) in values {
        saved[name] = getenv(name).map { String(cString: $0) }
        if let value { setenv(name, value, 1) } else { unsetenv(name) }
    }
    defer {
        for (name, value) in saved {
            if let value { setenv(name, value, 1) } else { unsetenv(name) }
        }
    }
    return try await body()
}
