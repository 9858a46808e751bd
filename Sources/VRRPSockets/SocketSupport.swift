import CLinux
import Glibc
import VRRP

/// Small helpers shared by the sockets of this module: address conversion and option setting.
extension InetAddress {
    /// The IPv4 address as the kernel wants it, or nil for IPv6.
    var inAddr: in_addr? {
        guard case .v4(let value) = self else { return nil }
        return in_addr(s_addr: value.bigEndian)
    }

    init(_ address: in_addr) {
        self = .v4(UInt32(bigEndian: address.s_addr))
    }
}

func socketAddress(_ address: in_addr) -> sockaddr_in {
    var socketAddress = sockaddr_in()
    socketAddress.sin_family = sa_family_t(AF_INET)
    socketAddress.sin_addr = address
    return socketAddress
}

/// Sets one socket option whose value is a plain C struct or integer.
func setSocketOption<Value>(
    _ fd: Int32, _ level: Int32, _ name: Int32, _ value: Value, _ label: String
) throws(VRRPSocketError) {
    var value = value
    let result = withUnsafePointer(to: &value) { pointer in
        setsockopt(fd, level, name, pointer, socklen_t(MemoryLayout<Value>.size))
    }
    if result != 0 { throw .lastError("setsockopt(\(label))") }
}

/// Binds the socket to one interface, so it sends and receives there only.
func bindToDevice(_ fd: Int32, _ interface: String) throws(VRRPSocketError) {
    let result = interface.withCString { name in
        setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, socklen_t(strlen(name)))
    }
    if result != 0 { throw .lastError("setsockopt(SO_BINDTODEVICE, \(interface))") }
}

/// Sends one datagram to an IPv4 destination without blocking.
func sendDatagram(_ fd: Int32, _ bytes: [UInt8], to destination: in_addr, _ label: String) throws(VRRPSocketError) {
    var target = socketAddress(destination)
    let sent = bytes.withUnsafeBytes { buffer in
        withUnsafePointer(to: &target) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                sendto(
                    fd, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT), address,
                    socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }
    if sent < 0 { throw .lastError(label) }
    if sent != bytes.count { throw .shortSend(sent: sent, expected: bytes.count) }
}
