import CLinux
import Glibc
import VRRP

/// IPv6 for `VRRPSocket`: a raw `AF_INET6` socket for protocol 112. The kernel builds the IPv6
/// header (hop limit 255, traffic class 0xc0 as keepalived sends); the codec computes the
/// VRRPv3 checksum over the pseudo-header and verifies it on receive, so a bad checksum is
/// counted rather than silently dropped by the kernel (no `IPV6_CHECKSUM`). The socket is bound
/// to its source address, which fixes the pseudo-header's source.
extension VRRPSocket {
    /// `IPV6_FREEBIND` (Linux 4.15): bind to a link-local address still in duplicate address
    /// detection, as at boot; glibc's headers do not name it.
    static let ipv6FreeBind: Int32 = 78

    static func openIPv6(
        _ configuration: Configuration, _ interface: NetworkInterface
    ) throws(VRRPSocketError) -> (Int32, InetAddress) {
        let source = configuration.sourceAddress ?? interface.linkLocalIPv6Address
        guard let source else { throw .noIPv6LinkLocalAddress(interface: configuration.interface) }
        guard let bound = socketAddress6(source, interfaceIndex: interface.index) else {
            throw .unsupportedAddress(source)
        }
        switch configuration.destination {
        case .multicast(let group):
            guard group.family == .ipv6, group.isMulticast else { throw .unsupportedAddress(group) }
        case .unicast(let peers):
            if let peer = peers.first(where: { $0.family != .ipv6 }) { throw .unsupportedAddress(peer) }
        }
        let fd = socket(
            AF_INET6, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), Int32(VRRPAdvert.ipProtocol))
        guard fd >= 0 else { throw .lastError("socket(AF_INET6, SOCK_RAW, 112)") }
        do {
            try configureIPv6(fd, configuration, interface)
            try bind6(fd, bound, "bind(\(source)) on \(interface.name)")
        } catch {
            _ = Glibc.close(fd)
            throw error
        }
        return (fd, source)
    }

    private static func configureIPv6(
        _ fd: Int32, _ configuration: Configuration, _ interface: NetworkInterface
    ) throws(VRRPSocketError) {
        let ipv6 = Int32(IPPROTO_IPV6)
        try bindToDevice(fd, interface.name)
        try setSocketOption(fd, ipv6, IPV6_RECVPKTINFO, Int32(1), "IPV6_RECVPKTINFO")
        try setSocketOption(fd, ipv6, IPV6_RECVHOPLIMIT, Int32(1), "IPV6_RECVHOPLIMIT")
        try setSocketOption(fd, ipv6, IPV6_MULTICAST_ALL, Int32(0), "IPV6_MULTICAST_ALL")
        try setSocketOption(fd, ipv6, IPV6_TCLASS, Int32(VRRPAdvert.typeOfService), "IPV6_TCLASS")
        try setSocketOption(fd, ipv6, IPV6_UNICAST_HOPS, Int32(VRRPAdvert.requiredTTL), "IPV6_UNICAST_HOPS")
        try setSocketOption(fd, ipv6, IPV6_MULTICAST_HOPS, Int32(VRRPAdvert.requiredTTL), "IPV6_MULTICAST_HOPS")
        try setSocketOption(fd, ipv6, ipv6FreeBind, Int32(1), "IPV6_FREEBIND")
        guard case .multicast(let group) = configuration.destination, let groupAddress = group.in6Addr else { return }
        try setSocketOption(fd, ipv6, IPV6_MULTICAST_IF, interface.index, "IPV6_MULTICAST_IF")
        try setSocketOption(fd, ipv6, IPV6_MULTICAST_LOOP, Int32(0), "IPV6_MULTICAST_LOOP")
        let membership = ipv6_mreq(
            ipv6mr_multiaddr: groupAddress, ipv6mr_interface: UInt32(bitPattern: interface.index))
        try setSocketOption(
            fd, ipv6, IPV6_ADD_MEMBERSHIP, membership, "IPV6_ADD_MEMBERSHIP \(group) on \(interface.name)")
    }

    /// Sends the bare VRRP message; the kernel puts the IPv6 header in front.
    func sendIPv6(_ advert: VRRPAdvert, to destination: InetAddress) throws(VRRPSocketError) {
        guard let target = socketAddress6(destination, interfaceIndex: interface.index) else {
            throw .unsupportedAddress(destination)
        }
        let message: [UInt8]
        do {
            message = try advert.encodedMessage(
                source: sourceAddress, destination: destination, v3ChecksumAsV2: configuration.v3ChecksumAsV2)
        } catch {
            throw .encoding(error)
        }
        try descriptor.withOpenDescriptor { (fd) throws(VRRPSocketError) in
            try sendDatagram6(fd, message, to: target, "sendto(\(destination)) on \(interface.name)")
        }
    }
}
