import KeepalivedConfig
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// `PING_CHECK`: one ICMP (or ICMPv6) echo on an ICMP datagram socket (`SOCK_DGRAM,
/// IPPROTO_ICMP`: allowed to root and to groups in net.ipv4.ping_group_range, which also
/// governs IPv6; the kernel sets the id and filters replies for us). The socket is connected,
/// so a destination unreachable ends the attempt at once as `icmpUnreachable`; no reply within
/// connect_timeout is a timeout.
public struct PingProbe: RealServerProbe {
    public let address: IPAddress
    public let bindTo: IPAddress?
    public let timeout: Duration
    let group: any EventLoopGroup

    public var keyword: String { "PING_CHECK" }

    public init(address: IPAddress, bindTo: IPAddress?, timeout: Duration, eventLoopGroup: any EventLoopGroup) {
        self.address = address
        self.bindTo = bindTo
        self.timeout = timeout
        self.group = eventLoopGroup
    }

    public func attempt() async -> ProbeResult {
        let remote: SocketAddress
        let local: SocketAddress?
        do {
            remote = try SocketAddress(ipAddress: address.description, port: 0)
            local = try bindTo.map { try SocketAddress(ipAddress: $0.description, port: 0) }
        } catch {
            return .failure(.from(error))
        }
        let isV4 = address.family == .inet
        let sequence = UInt16.random(in: 0...UInt16.max)
        // Type, code, checksum (the kernel fills it for ping sockets), id (ditto), sequence, data.
        var echo: [UInt8] = [isV4 ? 8 : 128, 0, 0, 0, 0, 0, UInt8(sequence >> 8), UInt8(sequence & 0xff)]
        echo += Array("keepalive-check!".utf8)
        let outcome = await DatagramExchange.run(
            remote: remote, local: local, payload: ByteBuffer(bytes: echo),
            timeout: .nanoseconds(timeout.nanoseconds),
            subtype: .init(rawValue: isV4 ? CInt(IPPROTO_ICMP) : CInt(IPPROTO_ICMPV6)), on: group)
        switch outcome {
        case .failure(.connectionFailed(let reason)) where reason.contains("ermission") || reason.contains("denied"):
            return .failure(.other("ICMP datagram sockets not permitted (net.ipv4.ping_group_range): \(reason)"))
        case .failure(let failure):
            return .failure(failure)
        case .success(nil):
            return .failure(.timeout)
        case .success(let reply?):
            let bytes = Array(reply.readableBytesView)
            let echoReply: UInt8 = isV4 ? 0 : 129
            guard bytes.count >= 8, bytes[0] == echoReply else {
                return .failure(.icmpUnreachable)
            }
            return .success(weight: nil)
        }
    }
}
