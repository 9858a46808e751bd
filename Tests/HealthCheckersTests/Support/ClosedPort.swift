import Glibc
import Synchronization

/// Loopback ports that stay closed for the whole test run.
///
/// A port freed by closing a server can be handed to a parallel test's server a moment later
/// (CI saw a "refused" probe reach someone else's listener). Each port here is held by a socket
/// bound without SO_REUSEADDR, so nothing else can bind it, and that socket never accepts:
/// a TCP one never listens (connects get RST), a UDP one is connected elsewhere (datagrams from
/// anyone else get ICMP port unreachable).
enum ClosedPort {
    enum Failure: Error { case socket(String, errno: Int32) }

    private static let held = Mutex<[Int32]>([])

    static func tcp(host: String = "127.0.0.1") throws -> Int {
        try reserve(host: host, type: SOCK_STREAM, connectElsewhere: false)
    }

    static func udp(host: String = "127.0.0.1") throws -> Int {
        try reserve(host: host, type: SOCK_DGRAM, connectElsewhere: true)
    }

    private static func reserve(host: String, type: __socket_type, connectElsewhere: Bool) throws -> Int {
        let v6 = host.contains(":")
        let fd = socket(v6 ? AF_INET6 : AF_INET, Int32(type.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure.socket("socket", errno: errno) }
        var storage = sockaddr_storage()
        var length = socklen_t(v6 ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size)
        fill(&storage, host: host, port: 0, v6: v6)
        let bound = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else {
            let code = errno
            close(fd)
            throw Failure.socket("bind \(host)", errno: code)
        }
        // sin_port and sin6_port sit at the same offset, right after the family.
        let port = withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
        if connectElsewhere {
            // The discard port on the same loopback address: connect(2) on UDP sends nothing.
            var peer = sockaddr_storage()
            fill(&peer, host: host, port: 9, v6: v6)
            let connected = withUnsafePointer(to: &peer) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) == 0 }
            }
            guard connected else {
                let code = errno
                close(fd)
                throw Failure.socket("connect", errno: code)
            }
        }
        held.withLock { $0.append(fd) }
        return port
    }

    private static func fill(_ storage: inout sockaddr_storage, host: String, port: UInt16, v6: Bool) {
        withUnsafeMutablePointer(to: &storage) { pointer in
            if v6 {
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    address.pointee.sin6_family = sa_family_t(AF_INET6)
                    address.pointee.sin6_port = port.bigEndian
                    _ = inet_pton(AF_INET6, host, &address.pointee.sin6_addr)
                }
            } else {
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    address.pointee.sin_family = sa_family_t(AF_INET)
                    address.pointee.sin_port = port.bigEndian
                    _ = inet_pton(AF_INET, host, &address.pointee.sin_addr)
                }
            }
        }
    }
}
