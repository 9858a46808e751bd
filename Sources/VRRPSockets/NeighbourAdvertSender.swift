import CLinux
import Glibc
import VRRP

/// A packet socket that sends unsolicited neighbour adverts on one interface, the IPv6 side of
/// `GratuitousARPSender`: whole Ethernet frames as keepalived sends them, so the source MAC can
/// be the interface's or a VMAC. Opened with protocol 0: it never receives.
public final class NeighbourAdvertSender: Sendable {
    private let socket: FrameSocket
    /// The interface as it was when the sender opened.
    public var interface: NetworkInterface { socket.interface }
    /// `net.ipv6.conf.IF.forwarding`, opened in the sender's namespace and re-read per send.
    private let forwarding: SocketDescriptor?

    /// Opens the packet socket in the calling thread's network namespace.
    public init(interface name: String) throws(VRRPSocketError) {
        socket = try FrameSocket(interface: name)
        let file = clinux_open_readonly("/proc/sys/net/ipv6/conf/\(name)/forwarding")
        self.forwarding = file >= 0 ? SocketDescriptor(file) : nil
    }

    /// Sends one neighbour advert per IPv6 address, in order (IPv4 addresses are refused).
    /// `hardwareAddress` overrides the interface's MAC (a VMAC). Every address is tried; the
    /// first error is thrown.
    public func send(_ addresses: [InetAddress], hardwareAddress: [UInt8]? = nil) throws(VRRPSocketError) {
        let source = try socket.sourceAddress(hardwareAddress)
        let isRouter = forwardsIPv6
        try socket.sendEach(
            addresses, kind: "neighbour advert", etherType: UnsolicitedNeighbourAdvert.etherType,
            destination: UnsolicitedNeighbourAdvert.allNodesHardwareAddress
        ) { (address) throws(VRRPSocketError) in
            guard
                let advert = try? UnsolicitedNeighbourAdvert(
                    target: address, hardwareAddress: source, isRouter: isRouter)
            else { throw .unsupportedAddress(address) }
            return advert.ethernetFrame
        }
    }

    /// `count` rounds of `send(_:hardwareAddress:)`, `interval` apart. Stops when cancelled.
    public func announce(
        _ addresses: [InetAddress], hardwareAddress: [UInt8]? = nil, count: Int = 1, interval: Duration = .zero
    ) async throws {
        try await announceRounds(count: count, interval: interval) { () throws(VRRPSocketError) in
            try send(addresses, hardwareAddress: hardwareAddress)
        }
    }

    /// Whether the interface forwards IPv6: keepalived then sets the router flag, so hosts
    /// keep the new master as their default router. Read at send time, in the namespace the
    /// sender was opened in (a /proc/sys file answers for the namespace it was opened in).
    var forwardsIPv6: Bool {
        guard let forwarding else { return false }
        let value = try? forwarding.withOpenDescriptor { fd -> UInt8? in
            var byte: UInt8 = 0
            return pread(fd, &byte, 1, 0) == 1 ? byte : nil
        }
        return (value ?? nil).map { $0 != UInt8(ascii: "0") } ?? false
    }

    public func close() {
        socket.descriptor.close()
        forwarding?.close()
    }
}
