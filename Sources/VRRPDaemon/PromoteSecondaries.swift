import Glibc

/// `promote_secondaries`: the interface's `net.ipv4.conf.IF.promote_secondaries` sysctl, so
/// removing one VIP does not take the other addresses of its subnet with it. Set while the
/// instance runs; the value found is put back when it stops, as keepalived does.
struct PromoteSecondaries: Sendable {
    let interface: String
    /// What the sysctl held before; nil when it could not be read.
    let previous: String?

    private var path: String { "/proc/sys/net/ipv4/conf/\(interface)/promote_secondaries" }

    /// Sets the sysctl to 1; throws when the interface has no such sysctl.
    init(interface: String) throws(PromoteSecondariesError) {
        self.interface = interface
        let path = "/proc/sys/net/ipv4/conf/\(interface)/promote_secondaries"
        previous = Self.read(path)
        try Self.write("1", to: path)
    }

    /// Puts the value found at start back.
    func restore() {
        guard let previous, previous != "1" else { return }
        try? Self.write(previous, to: path)
    }

    static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 16)
        let count = Glibc.read(fd, &buffer, buffer.count)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count], as: UTF8.self).trimmingWhitespace
    }

    static func write(_ value: String, to path: String) throws(PromoteSecondariesError) {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotOpen(path, errno: errno) }
        defer { close(fd) }
        let bytes = Array((value + "\n").utf8)
        guard Glibc.write(fd, bytes, bytes.count) == bytes.count else { throw .cannotWrite(path, errno: errno) }
    }
}

enum PromoteSecondariesError: Error, CustomStringConvertible {
    case cannotOpen(String, errno: Int32)
    case cannotWrite(String, errno: Int32)

    var description: String {
        switch self {
        case .cannotOpen(let path, let code): "cannot open \(path): \(String(cString: strerror(code)))"
        case .cannotWrite(let path, let code): "cannot write \(path): \(String(cString: strerror(code)))"
        }
    }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
