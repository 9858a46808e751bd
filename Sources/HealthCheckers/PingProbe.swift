import KeepalivedConfig
import NIOCore

/// `PING_CHECK`: one ICMP (or ICMPv6) echo on an ICMP datagram socket (`SOCK_DGRAM,
/// IPPROTO_ICMP`: allowed to root and to groups in net.ipv4.ping_group_range, which also
/// governs IPv6; the kernel sets the id and filters replies for us). The socket is connected
/// with IP_RECVERR, so a destination unreachable ends the attempt at once as
/// `icmpUnreachable`; no reply within connect_timeout is a timeout. `eventLoopGroup` is kept
/// for symmetry with the other probes: the echo runs on a Dispatch source (see `ICMPEcho`).
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
        await ICMPEcho.ping(address, from: bindTo, timeout: timeout)
    }
}
