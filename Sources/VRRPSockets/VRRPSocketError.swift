import CLinux
import Glibc
import VRRP

/// Why a socket operation failed. Every failure is reported, none traps: the daemon logs it
/// and decides whether to retry, go to FAULT or give up.
public enum VRRPSocketError: Error, Hashable, Sendable {
    /// A system call failed: what we were doing, and errno.
    case system(operation: String, errno: Int32)
    /// No interface of that name in the current network namespace.
    case noSuchInterface(String)
    /// The interface has no IPv4 address to send from, and none was configured.
    case noIPv4Address(interface: String)
    /// The interface has no IPv6 link-local address to send IPv6 adverts from, and no
    /// `mcast_src_ip` / `unicast_src_ip` was configured.
    case noIPv6LinkLocalAddress(interface: String)
    /// The interface has no 6-byte Ethernet address (gratuitous ARP needs one).
    case noHardwareAddress(interface: String)
    /// A hardware address that is not 6 bytes (a VMAC given to gratuitous ARP).
    case invalidHardwareAddress([UInt8])
    /// An address this socket cannot use: another family than the socket's, or a group that is
    /// not multicast.
    case unsupportedAddress(InetAddress)
    /// The advert cannot be put on the wire (a configuration the sender should have refused).
    case encoding(AdvertEncodingError)
    /// The kernel took fewer bytes than the packet has.
    case shortSend(sent: Int, expected: Int)
    /// The socket was closed (by `close()` or because its receive sequence ended).
    case closed

    /// The errno text of a `.system` failure, as `strerror` gives it.
    public var errnoText: String? {
        guard case .system(_, let code) = self else { return nil }
        return errorText(code)
    }

    /// A `.system` error for the errno the failed call just left behind.
    static func lastError(_ operation: String) -> VRRPSocketError {
        .system(operation: operation, errno: errno)
    }
}

extension VRRPSocketError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .system(let operation, let code): "\(operation): \(errorText(code)) (errno \(code))"
        case .noSuchInterface(let name): "no interface \(name)"
        case .noIPv4Address(let name): "interface \(name) has no IPv4 address"
        case .noIPv6LinkLocalAddress(let name): "interface \(name) has no IPv6 link-local address"
        case .noHardwareAddress(let name): "interface \(name) has no Ethernet address"
        case .invalidHardwareAddress(let bytes):
            "invalid Ethernet address \(NetworkInterface.hardwareAddressText(bytes))"
        case .unsupportedAddress(let address): "address \(address) is not usable here"
        case .encoding(let error): "advert cannot be encoded: \(error)"
        case .shortSend(let sent, let expected): "sent \(sent) of \(expected) bytes"
        case .closed: "socket closed"
        }
    }
}

func errorText(_ code: Int32) -> String {
    guard let text = clinux_strerror(code) else { return "errno \(code)" }
    return String(cString: text)
}
