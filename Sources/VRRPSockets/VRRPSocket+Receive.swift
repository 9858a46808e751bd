import CLinux
import Dispatch
import Glibc
import Synchronization
import VRRP

/// One datagram as a VRRP raw socket received it, with what the kernel said about it.
public struct VRRPDatagram: Hashable, Sendable {
    /// IPv4: the whole packet, IP header included (a raw IPv4 socket keeps it). IPv6: the VRRP
    /// message only.
    public var bytes: [UInt8]
    /// The interface it arrived on (`IP_PKTINFO` / `IPV6_PKTINFO`).
    public var interfaceIndex: Int32
    /// The sender, from the socket address `recvmsg` filled in.
    public var source: InetAddress
    /// The destination address of the IP header (`IP_PKTINFO` / `IPV6_PKTINFO`): the group, or
    /// ours for unicast.
    public var destination: InetAddress
    /// IPv6 hop limit from `IPV6_HOPLIMIT`; nil for IPv4, whose TTL is in `bytes`.
    public var hopLimit: UInt8?
    /// The datagram was longer than the receive buffer and was cut.
    public var isTruncated: Bool

    public init(
        bytes: [UInt8], interfaceIndex: Int32, source: InetAddress, destination: InetAddress,
        hopLimit: UInt8? = nil, isTruncated: Bool = false
    ) {
        self.bytes = bytes
        self.interfaceIndex = interfaceIndex
        self.source = source
        self.destination = destination
        self.hopLimit = hopLimit
        self.isTruncated = isTruncated
    }

    /// Decodes the datagram with the codec: every packet-level check, TTL included.
    public func decoded(options: AdvertDecodeOptions = .init()) -> Result<ReceivedVRRPAdvert, AdvertDropReason> {
        Result { () throws(AdvertDropReason) -> ReceivedVRRPAdvert in
            switch source {
            case .v4:
                return try ReceivedVRRPAdvert(ipv4Packet: bytes, options: options)
            case .v6:
                return try ReceivedVRRPAdvert(
                    message: bytes[...], source: source, destination: destination, ttl: hopLimit ?? 0,
                    options: options)
            }
        }
    }
}

extension VRRPSocket {
    /// The datagrams this socket receives, read by a dispatch source so no Swift concurrency
    /// thread blocks. One sequence per socket: a second call returns a finished one. When the
    /// consumer stops (the iterating task is cancelled or the stream is dropped) the socket
    /// closes; when the socket is closed the sequence ends.
    public func datagrams() -> AsyncStream<VRRPDatagram> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: VRRPDatagram.self, bufferingPolicy: .bufferingNewest(max(1, configuration.receiveQueueLimit)))
        let receiver = DatagramReceiver(continuation: continuation, counters: counters)
        let started = descriptor.startReading(
            on: receiveQueue, onReadable: { fd in receiver.drain(fd) }, onCancel: { receiver.finish() })
        guard started else {
            continuation.finish()
            return stream
        }
        let descriptor = self.descriptor
        continuation.onTermination = { _ in descriptor.close() }
        return stream
    }

    /// `datagrams()` decoded with the codec: an advert, or why the packet alone is dropped.
    /// Validation against the configured instances stays with the caller.
    public func adverts(
        options: AdvertDecodeOptions = .init()
    ) -> AsyncMapSequence<AsyncStream<VRRPDatagram>, Result<ReceivedVRRPAdvert, AdvertDropReason>> {
        datagrams().map { $0.decoded(options: options) }
    }

    /// Datagrams thrown away because the consumer fell `receiveQueueLimit` behind.
    public var droppedDatagrams: Int {
        counters.dropped.load(ordering: .relaxed)
    }
}

/// Counters shared between a socket and its receiver.
final class SocketCounters: Sendable {
    let dropped = Atomic<Int>(0)
}

/// Reads datagrams with `recvmsg` into buffers allocated once.
///
/// `@unchecked Sendable`: confined to the socket's serial receive queue. `drain` and `finish`
/// run only as that queue's read-source handlers, so the buffers are never touched concurrently.
final class DatagramReceiver: @unchecked Sendable {
    /// Large enough for any IPv4 datagram or IPv6 payload: nothing is ever cut short.
    private static let bufferSize = 65_536
    private let continuation: AsyncStream<VRRPDatagram>.Continuation
    private let counters: SocketCounters
    private let buffer: UnsafeMutableRawBufferPointer
    private let control: UnsafeMutableRawBufferPointer
    /// `sockaddr_storage`: the sender of either family.
    private let sender: UnsafeMutablePointer<sockaddr_storage>
    private let vector: UnsafeMutablePointer<iovec>
    private let message: UnsafeMutablePointer<msghdr>

    init(continuation: AsyncStream<VRRPDatagram>.Continuation, counters: SocketCounters) {
        self.continuation = continuation
        self.counters = counters
        buffer = .allocate(byteCount: Self.bufferSize, alignment: 8)
        control = .allocate(
            byteCount: clinux_cmsg_space(MemoryLayout<in_pktinfo>.size)
                + clinux_cmsg_space(MemoryLayout<clinux_in6_pktinfo>.size)
                + clinux_cmsg_space(MemoryLayout<Int32>.size) + clinux_cmsg_space(64),
            alignment: MemoryLayout<cmsghdr>.alignment)
        sender = .allocate(capacity: 1)
        vector = .allocate(capacity: 1)
        message = .allocate(capacity: 1)
    }

    deinit {
        buffer.deallocate()
        control.deallocate()
        sender.deallocate()
        vector.deallocate()
        message.deallocate()
    }

    /// Reads until the socket has nothing more, so one readiness event serves a burst.
    func drain(_ fd: Int32) {
        while true {
            sender.initialize(to: sockaddr_storage())
            vector.initialize(to: iovec(iov_base: buffer.baseAddress, iov_len: buffer.count))
            var header = msghdr()
            header.msg_name = UnsafeMutableRawPointer(sender)
            header.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
            header.msg_iov = vector
            header.msg_iovlen = 1
            header.msg_control = control.baseAddress
            header.msg_controllen = control.count
            message.initialize(to: header)
            let count = recvmsg(fd, message, Int32(MSG_DONTWAIT))
            if count < 0 {
                // EAGAIN: drained. Anything else (ENOBUFS, a pending socket error) is reported
                // once by the kernel; the next readiness event reads on.
                if errno == EINTR { continue }
                return
            }
            deliver(count: count)
        }
    }

    private func deliver(count: Int) {
        var interfaceIndex: Int32 = 0
        var destination = InetAddress.v4(0)
        var hopLimit: UInt8?
        var cmsg = clinux_cmsg_firsthdr(message)
        while let current = cmsg {
            let (level, type) = (current.pointee.cmsg_level, current.pointee.cmsg_type)
            if let data = clinux_cmsg_data(current) {
                let raw = UnsafeRawPointer(data)
                if level == Int32(IPPROTO_IP), type == IP_PKTINFO {
                    let info = raw.loadUnaligned(as: in_pktinfo.self)
                    interfaceIndex = info.ipi_ifindex
                    destination = InetAddress(info.ipi_addr)
                } else if level == Int32(IPPROTO_IPV6), type == IPV6_PKTINFO {
                    let info = raw.loadUnaligned(as: clinux_in6_pktinfo.self)
                    interfaceIndex = Int32(bitPattern: info.ipi6_ifindex)
                    destination = InetAddress(info.ipi6_addr)
                } else if level == Int32(IPPROTO_IPV6), type == IPV6_HOPLIMIT {
                    hopLimit = UInt8(truncatingIfNeeded: raw.loadUnaligned(as: Int32.self))
                }
            }
            cmsg = clinux_cmsg_nxthdr(message, current)
        }
        let received = min(count, buffer.count)
        let datagram = VRRPDatagram(
            bytes: Array(UnsafeRawBufferPointer(rebasing: buffer[..<received])),
            interfaceIndex: interfaceIndex,
            source: senderAddress,
            destination: destination,
            hopLimit: hopLimit,
            isTruncated: message.pointee.msg_flags & Int32(MSG_TRUNC) != 0)
        if case .dropped = continuation.yield(datagram) {
            counters.dropped.add(1, ordering: .relaxed)
        }
    }

    /// The sender `recvmsg` filled in, of either family.
    private var senderAddress: InetAddress {
        let raw = UnsafeRawPointer(sender)
        if Int32(sender.pointee.ss_family) == AF_INET6 {
            return InetAddress(raw.loadUnaligned(as: sockaddr_in6.self).sin6_addr)
        }
        return InetAddress(raw.loadUnaligned(as: sockaddr_in.self).sin_addr)
    }

    func finish() {
        continuation.finish()
    }
}
