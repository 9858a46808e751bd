import CLinux
import Dispatch
import Glibc
import Synchronization
import VRRP

/// The raw socket of the VRRP instances of one family on one interface: protocol 112, bound to
/// the interface, in the multicast group (or sending to unicast peers). IPv4: the IP header is
/// built by us so the packets are keepalived's byte for byte (TTL 255, tos 0xc0, no DF). IPv6:
/// see `VRRPSocket+IPv6.swift`.
///
/// Create it in the network namespace it should live in (see `NetworkNamespace`). Receiving
/// is one `AsyncStream` per socket (`datagrams()`); when that stream ends the socket closes.
public final class VRRPSocket: Sendable {
    /// Where adverts go: keepalived's `vrrp_mcast_group4` or its `unicast_peer` list.
    public enum Destination: Hashable, Sendable {
        case multicast(group: InetAddress)
        case unicast(peers: [InetAddress])
    }

    public struct Configuration: Hashable, Sendable {
        /// The instance's `interface`.
        public var interface: String
        public var destination: Destination
        /// `mcast_src_ip` / `unicast_src_ip`; nil sends from the interface's primary address.
        public var sourceAddress: InetAddress?
        /// keepalived's `v3_checksum_as_v2` for sending.
        public var v3ChecksumAsV2: Bool
        /// Datagrams kept for a slow consumer before the oldest are dropped.
        public var receiveQueueLimit: Int
        /// keepalived's `auth_type AH`: the socket is for protocol 51, whose packets carry the
        /// advert behind an AH header (sent with `send(_:sequenceNumber:key:)`).
        public var authenticationHeader: Bool

        /// IPv6 when the group, the peers or the source are IPv6 (keepalived decides an
        /// instance's family by its addresses the same way).
        public var family: InetAddress.Family {
            switch destination {
            case .multicast(let group): group.family
            case .unicast(let peers): peers.first?.family ?? sourceAddress?.family ?? .ipv4
            }
        }

        public init(
            interface: String, destination: Destination = .multicast(group: VRRPAdvert.ipv4MulticastGroup),
            sourceAddress: InetAddress? = nil, v3ChecksumAsV2: Bool = false, receiveQueueLimit: Int = 256,
            authenticationHeader: Bool = false
        ) {
            self.interface = interface
            self.destination = destination
            self.sourceAddress = sourceAddress
            self.v3ChecksumAsV2 = v3ChecksumAsV2
            self.receiveQueueLimit = receiveQueueLimit
            self.authenticationHeader = authenticationHeader
        }
    }

    public let configuration: Configuration
    /// The interface as it was when the socket opened.
    public let interface: NetworkInterface
    /// The source address of every advert: configured, else the interface's primary address.
    public let sourceAddress: InetAddress
    let descriptor: SocketDescriptor
    let receiveQueue: DispatchQueue
    let counters = SocketCounters()
    /// The IP identification of AH packets, which the ICV covers: ours, never 0, as keepalived's.
    let identification = Atomic<UInt16>(0)

    /// Opens and configures the socket in the calling thread's network namespace: raw IPv4 or
    /// IPv6 after `configuration.family`.
    public init(_ configuration: Configuration) throws(VRRPSocketError) {
        let interface = try NetworkInterface.named(configuration.interface)
        let (fd, source) =
            try configuration.family == .ipv6
            ? Self.openIPv6(configuration, interface) : Self.openIPv4(configuration, interface)
        self.configuration = configuration
        self.interface = interface
        self.sourceAddress = source
        self.descriptor = SocketDescriptor(fd)
        self.receiveQueue = DispatchQueue(label: "keepalive.vrrp.socket.\(configuration.interface)")
    }

    private static func openIPv4(
        _ configuration: Configuration, _ interface: NetworkInterface
    ) throws(VRRPSocketError) -> (Int32, InetAddress) {
        let source = configuration.sourceAddress ?? interface.primaryIPv4Address
        guard let source else { throw .noIPv4Address(interface: configuration.interface) }
        guard source.inAddr != nil else { throw .unsupportedAddress(source) }
        switch configuration.destination {
        case .multicast(let group):
            guard group.inAddr != nil, group.isMulticast else { throw .unsupportedAddress(group) }
        case .unicast(let peers):
            if let peer = peers.first(where: { $0.inAddr == nil }) { throw .unsupportedAddress(peer) }
        }

        let proto = configuration.authenticationHeader ? AuthenticationHeader.ipProtocol : VRRPAdvert.ipProtocol
        let fd = socket(AF_INET, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), Int32(proto))
        guard fd >= 0 else { throw .lastError("socket(AF_INET, SOCK_RAW, \(proto))") }
        do {
            try Self.configure(fd, configuration, interface)
        } catch {
            _ = Glibc.close(fd)
            throw error
        }
        return (fd, source)
    }

    private static func configure(
        _ fd: Int32, _ configuration: Configuration, _ interface: NetworkInterface
    ) throws(VRRPSocketError) {
        let ip = Int32(IPPROTO_IP)
        try bindToDevice(fd, interface.name)
        try setSocketOption(fd, ip, IP_HDRINCL, Int32(1), "IP_HDRINCL")
        try setSocketOption(fd, ip, IP_PKTINFO, Int32(1), "IP_PKTINFO")
        // Only the groups this socket joined, not every group some socket on the host joined:
        // a unicast instance must not see multicast adverts, nor one group another's.
        try setSocketOption(fd, ip, IP_MULTICAST_ALL, Int32(0), "IP_MULTICAST_ALL")
        guard case .multicast(let group) = configuration.destination, let groupAddress = group.inAddr else { return }
        let onInterface = ip_mreqn(
            imr_multiaddr: in_addr(s_addr: 0), imr_address: in_addr(s_addr: 0), imr_ifindex: interface.index)
        try setSocketOption(fd, ip, IP_MULTICAST_IF, onInterface, "IP_MULTICAST_IF")
        try setSocketOption(fd, ip, IP_MULTICAST_LOOP, Int32(0), "IP_MULTICAST_LOOP")
        let membership = ip_mreqn(
            imr_multiaddr: groupAddress, imr_address: in_addr(s_addr: 0), imr_ifindex: interface.index)
        try setSocketOption(fd, ip, IP_ADD_MEMBERSHIP, membership, "IP_ADD_MEMBERSHIP \(group) on \(interface.name)")
    }

    /// The addresses `send(_:)` sends to.
    public var destinations: [InetAddress] {
        switch configuration.destination {
        case .multicast(let group): [group]
        case .unicast(let peers): peers
        }
    }

    /// Sends the advert to the multicast group, or to every unicast peer in turn. A failure
    /// for one peer does not keep the others from getting theirs; the first error is thrown.
    public func send(_ advert: VRRPAdvert) throws(VRRPSocketError) {
        var firstError: VRRPSocketError?
        for destination in destinations {
            do {
                try send(advert, to: destination)
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        if let firstError { throw firstError }
    }

    /// Sends the advert to one address: the IPv4 packet is encoded here, the kernel only fills
    /// in the identification and the header checksum.
    public func send(_ advert: VRRPAdvert, to destination: InetAddress) throws(VRRPSocketError) {
        if configuration.family == .ipv6 { return try sendIPv6(advert, to: destination) }
        guard let target = destination.inAddr else { throw .unsupportedAddress(destination) }
        let packet: [UInt8]
        do {
            packet = try advert.encodedIPv4Packet(
                source: sourceAddress, destination: destination, v3ChecksumAsV2: configuration.v3ChecksumAsV2)
        } catch {
            throw .encoding(error)
        }
        try descriptor.withOpenDescriptor { (fd) throws(VRRPSocketError) in
            try sendDatagram(fd, packet, to: target, "sendto(\(destination)) on \(interface.name)")
        }
    }

    /// Closes the socket and ends its receive sequence; sends after this throw `.closed`.
    public func close() {
        descriptor.close()
    }

    public var isOpen: Bool { descriptor.isOpen }
}
