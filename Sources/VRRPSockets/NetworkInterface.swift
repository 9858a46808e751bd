import CLinux
import Glibc
import VRRP

/// What the VRRP layer needs to know about one interface: index, Ethernet address, IPv4 and
/// IPv6 addresses. A snapshot taken in the calling thread's network namespace.
public struct NetworkInterface: Hashable, Sendable {
    public var name: String
    public var index: Int32
    /// The 6-byte Ethernet address, or empty when the link has none of that size.
    public var hardwareAddress: [UInt8]
    /// IPv4 addresses in kernel order, labelled aliases (`eth0:1`) included: the first is the
    /// primary address keepalived sends from when no `mcast_src_ip` is set.
    public var ipv4Addresses: [InetAddress]
    /// IPv6 addresses in kernel order, link-local ones included.
    public var ipv6Addresses: [InetAddress]

    public init(
        name: String, index: Int32, hardwareAddress: [UInt8], ipv4Addresses: [InetAddress],
        ipv6Addresses: [InetAddress] = []
    ) {
        self.name = name
        self.index = index
        self.hardwareAddress = hardwareAddress
        self.ipv4Addresses = ipv4Addresses
        self.ipv6Addresses = ipv6Addresses
    }

    public var primaryIPv4Address: InetAddress? { ipv4Addresses.first }

    /// The first fe80::/10 address: where keepalived sends IPv6 adverts from unless
    /// `mcast_src_ip` / `unicast_src_ip` says otherwise (RFC 5798 §5.1.2.2).
    public var linkLocalIPv6Address: InetAddress? { ipv6Addresses.first(where: \.isIPv6LinkLocal) }

    /// Ethernet address text as `ip link` prints it (`00:00:5e:00:01:33`), for logs.
    public static func hardwareAddressText(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined(separator: ":")
    }

    /// Looks the interface up with `getifaddrs` (one netlink dump, no ioctl).
    public static func named(_ name: String) throws(VRRPSocketError) -> NetworkInterface {
        guard !name.isEmpty, name.utf8.count < Int(IF_NAMESIZE) else { throw .noSuchInterface(name) }
        let index = Int32(bitPattern: if_nametoindex(name))
        guard index != 0 else { throw .noSuchInterface(name) }

        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { throw .lastError("getifaddrs") }
        defer { freeifaddrs(list) }

        var interface = NetworkInterface(
            name: name, index: index, hardwareAddress: [], ipv4Addresses: [], ipv6Addresses: [])
        var entry = list
        while let current = entry?.pointee {
            entry = current.ifa_next
            guard let address = current.ifa_addr, let label = current.ifa_name else { continue }
            let entryName = String(cString: label)
            switch Int32(address.pointee.sa_family) {
            case AF_INET where entryName == name || entryName.hasPrefix(name + ":"):
                let inet = UnsafeRawPointer(address).loadUnaligned(as: sockaddr_in.self)
                interface.ipv4Addresses.append(InetAddress(inet.sin_addr))
            case AF_INET6 where entryName == name:
                let inet6 = UnsafeRawPointer(address).loadUnaligned(as: sockaddr_in6.self)
                interface.ipv6Addresses.append(InetAddress(inet6.sin6_addr))
            case AF_PACKET where entryName == name:
                let link = UnsafeRawPointer(address).loadUnaligned(as: sockaddr_ll.self)
                if link.sll_halen == 6 {
                    interface.hardwareAddress = withUnsafeBytes(of: link.sll_addr) { Array($0.prefix(6)) }
                }
            default:
                continue
            }
        }
        return interface
    }
}
