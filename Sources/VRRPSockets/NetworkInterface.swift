import CLinux
import Glibc
import VRRP

/// What the VRRP layer needs to know about one interface: index, Ethernet address, IPv4
/// addresses. A snapshot taken in the calling thread's network namespace.
public struct NetworkInterface: Hashable, Sendable {
    public var name: String
    public var index: Int32
    /// The 6-byte Ethernet address, or empty when the link has none of that size.
    public var hardwareAddress: [UInt8]
    /// IPv4 addresses in kernel order, labelled aliases (`eth0:1`) included: the first is the
    /// primary address keepalived sends from when no `mcast_src_ip` is set.
    public var ipv4Addresses: [InetAddress]

    public init(name: String, index: Int32, hardwareAddress: [UInt8], ipv4Addresses: [InetAddress]) {
        self.name = name
        self.index = index
        self.hardwareAddress = hardwareAddress
        self.ipv4Addresses = ipv4Addresses
    }

    public var primaryIPv4Address: InetAddress? { ipv4Addresses.first }

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

        var interface = NetworkInterface(name: name, index: index, hardwareAddress: [], ipv4Addresses: [])
        var entry = list
        while let current = entry?.pointee {
            entry = current.ifa_next
            guard let address = current.ifa_addr, let label = current.ifa_name else { continue }
            let entryName = String(cString: label)
            switch Int32(address.pointee.sa_family) {
            case AF_INET where entryName == name || entryName.hasPrefix(name + ":"):
                let inet = UnsafeRawPointer(address).loadUnaligned(as: sockaddr_in.self)
                interface.ipv4Addresses.append(InetAddress(inet.sin_addr))
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
