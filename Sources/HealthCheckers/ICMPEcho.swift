import CLinux
import Dispatch
import KeepalivedConfig

#if canImport(Glibc)
    import Glibc
#endif

/// One ICMP echo on its own non-blocking ICMP datagram socket, watched by the shared
/// `ICMPPoller` and judged on a private serial queue. NIO's DatagramChannel cannot be used
/// here: Linux reports a host unreachable on a datagram socket only with IP_RECVERR, and
/// NIO's channel then trips over the error-queue wakeup.
final class ICMPEcho: @unchecked Sendable {
    // @unchecked: `continuation` and `timer` are touched only on `queue`.
    private let queue = DispatchQueue(label: "keepalive.ping")
    private let fd: Int32
    private let expectedType: UInt8
    private var continuation: CheckedContinuation<ProbeResult, Never>?
    private var timer: (any DispatchSourceTimer)?

    private init(fd: Int32, expectedType: UInt8) {
        self.fd = fd
        self.expectedType = expectedType
    }

    /// Sends one echo to `address` (from `bindTo` when set) and waits for the reply, an ICMP
    /// error, or `timeout`.
    static func ping(_ address: IPAddress, from bindTo: IPAddress?, timeout: Duration) async -> ProbeResult {
        let isV4 = address.family == .inet
        let fd = socket(
            isV4 ? AF_INET : AF_INET6,
            Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
                | Int32(SOCK_CLOEXEC.rawValue), isV4 ? Int32(IPPROTO_ICMP) : Int32(IPPROTO_ICMPV6))
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            return .failure(.other("ICMP datagram socket refused (net.ipv4.ping_group_range?): \(reason)"))
        }
        var on: Int32 = 1
        if isV4 {
            setsockopt(fd, Int32(IPPROTO_IP), IP_RECVERR, &on, socklen_t(MemoryLayout<Int32>.size))
        } else {
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_RECVERR, &on, socklen_t(MemoryLayout<Int32>.size))
        }
        if let bindTo, withSocketAddress(bindTo, { bind(fd, $0, $1) }) != 0 {
            let failure = ProbeFailure.from(errno: errno)
            close(fd)
            return .failure(failure)
        }
        guard withSocketAddress(address, { connect(fd, $0, $1) }) == 0 else {
            let failure = ProbeFailure.from(errno: errno)
            close(fd)
            return .failure(failure)
        }
        let sequence = UInt16.random(in: 0...UInt16.max)
        // Type, code, checksum and id (the kernel fills both for ping sockets), sequence, data.
        var echo: [UInt8] = [isV4 ? 8 : 128, 0, 0, 0, 0, 0, UInt8(sequence >> 8), UInt8(sequence & 0xff)]
        echo += Array("keepalive-check!".utf8)
        guard send(fd, echo, echo.count, 0) == echo.count else {
            let failure = ProbeFailure.from(errno: errno)
            close(fd)
            return .failure(failure)
        }
        let echoProbe = ICMPEcho(fd: fd, expectedType: isV4 ? 0 : 129)
        return await withCheckedContinuation { continuation in
            echoProbe.queue.async { echoProbe.start(continuation, timeout: timeout) }
        }
    }

    private func start(_ continuation: CheckedContinuation<ProbeResult, Never>, timeout: Duration) {
        self.continuation = continuation
        ICMPPoller.shared.watch(fd) { [self] in queue.async { self.readable() } }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + .nanoseconds(Int(clamping: timeout.nanoseconds)))
        timer.setEventHandler { [self] in finish(.failure(.timeout)) }
        self.timer = timer
        timer.resume()
    }

    /// A reply, or an error reported through the socket error (EHOSTUNREACH) or its queue.
    private func readable() {
        guard continuation != nil else { return }
        var buffer = [UInt8](repeating: 0, count: 1500)
        let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        if count >= 8, buffer[0] == expectedType {
            finish(.success(weight: nil))
            return
        }
        if count < 0, errno != EAGAIN {
            finish(.failure(.from(errno: errno)))
            return
        }
        // A queued ICMP error whose errno was already taken: any entry means it failed.
        var control = [UInt8](repeating: 0, count: 512)
        let queued = buffer.withUnsafeMutableBytes { data in
            control.withUnsafeMutableBytes { controlBytes in
                var vector = iovec(iov_base: data.baseAddress, iov_len: data.count)
                return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                    var message = msghdr()
                    message.msg_iov = vectorPointer
                    message.msg_iovlen = 1
                    message.msg_control = controlBytes.baseAddress
                    message.msg_controllen = controlBytes.count
                    return recvmsg(fd, &message, Int32(MSG_ERRQUEUE | MSG_DONTWAIT))
                }
            }
        }
        if queued >= 0 {
            finish(.failure(.icmpUnreachable))
        } else if continuation != nil {
            ICMPPoller.shared.watch(fd) { [self] in queue.async { self.readable() } }
        }
    }

    private func finish(_ result: ProbeResult) {
        guard let continuation else { return }
        self.continuation = nil
        timer?.cancel()
        ICMPPoller.shared.forget(fd)
        close(fd)
        continuation.resume(returning: result)
    }

    /// Calls `body` with a sockaddr for `address` (port 0) and its length.
    private static func withSocketAddress(
        _ address: IPAddress, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32
    ) -> Int32 {
        switch address {
        case .v4(let value):
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            socketAddress.sin_addr.s_addr = value.bigEndian
            return withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        case .v6(let bytes, let zone):
            var socketAddress = sockaddr_in6()
            socketAddress.sin6_family = sa_family_t(AF_INET6)
            withUnsafeMutableBytes(of: &socketAddress.sin6_addr) { $0.copyBytes(from: bytes) }
            if let zone { socketAddress.sin6_scope_id = if_nametoindex(zone) }
            return withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
    }
}
