import CLinux
import Glibc
import VRRP

/// The IPv6 counterparts of `SocketSupport.swift`: address conversion and sending.
extension InetAddress {
    /// The IPv6 address as the kernel wants it, or nil for IPv4.
    var in6Addr: in6_addr? {
        guard case .v6 = self else { return nil }
        var address = in6_addr()
        let bytes = self.bytes
        withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: bytes) }
        return address
    }

    init(_ address: in6_addr) {
        self = withUnsafeBytes(of: address) { InetAddress(bytes: $0)! }
    }
}

/// A socket address for `address` on interface `index`: the scope goes in for link-local
/// unicast and link-scope multicast (ff02::/16), where the kernel needs to know the link.
func socketAddress6(_ address: InetAddress, interfaceIndex index: Int32) -> sockaddr_in6? {
    guard let in6 = address.in6Addr else { return nil }
    var socketAddress = sockaddr_in6()
    socketAddress.sin6_family = sa_family_t(AF_INET6)
    socketAddress.sin6_addr = in6
    let linkScopeMulticast: Bool
    if case .v6(let high, _) = address { linkScopeMulticast = high >> 48 == 0xFF02 } else { linkScopeMulticast = false }
    if address.isIPv6LinkLocal || linkScopeMulticast { socketAddress.sin6_scope_id = UInt32(bitPattern: index) }
    return socketAddress
}

/// Binds the socket to a local IPv6 address (with its scope when link-local).
func bind6(_ fd: Int32, _ address: sockaddr_in6, _ label: String) throws(VRRPSocketError) {
    var address = address
    let result = withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
            bind(fd, socketAddress, socklen_t(MemoryLayout<sockaddr_in6>.size))
        }
    }
    if result != 0 { throw .lastError(label) }
}

/// Sends one datagram to an IPv6 destination without blocking.
func sendDatagram6(_ fd: Int32, _ bytes: [UInt8], to destination: sockaddr_in6, _ label: String) throws(VRRPSocketError)
{
    var target = destination
    let sent = bytes.withUnsafeBytes { buffer in
        withUnsafePointer(to: &target) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                sendto(
                    fd, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT), address,
                    socklen_t(MemoryLayout<sockaddr_in6>.size))
            }
        }
    }
    if sent < 0 { throw .lastError(label) }
    if sent != bytes.count { throw .shortSend(sent: sent, expected: bytes.count) }
}
