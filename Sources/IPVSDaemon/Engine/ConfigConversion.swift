import IPVS
import KeepalivedConfig
import Netlink

/// keepalived.conf's values in the kernel's terms. The two address types differ only in where
/// they live (the config keeps a link-local zone, the kernel table has none).
typealias ConfigAddress = KeepalivedConfig.IPAddress
public typealias KernelAddress = Netlink.IPAddress

extension ConfigAddress {
    var kernelAddress: KernelAddress {
        KernelAddress(family: family == .inet ? .ipv4 : .ipv6, bytes: bytes)!
    }
}

extension KeepalivedConfig.IPAddress.Family {
    var kernelFamily: KernelAddress.Family { self == .inet ? .ipv4 : .ipv6 }
}

extension LVSProtocol {
    var kernelProtocol: IPVSProtocol {
        switch self {
        case .tcp: .tcp
        case .udp: .udp
        case .sctp: .sctp
        }
    }
}

extension ForwardingMethod {
    /// `lvs_method NAT|DR|TUN [type ...] [csum]` as the kernel's forwarding method.
    var kernelForwarding: IPVSForwarding {
        switch kind {
        case .nat: return .nat
        case .dr: return .directRouting
        case .tun:
            var flags: IPVSTunnelFlags = []
            switch tunnelChecksum {
            case .csum: flags = .checksum
            case .remcsum: flags = .remoteChecksum
            case .nocsum, nil: flags = []
            }
            switch tunnelType {
            case .gue: return .tunnel(.gue(port: UInt16(clamping: tunnelPort ?? 0), flags: flags))
            case .gre: return .tunnel(.gre(flags: flags))
            case .ipip, nil: return .tunnel(.ipip)
            }
        }
    }
}

extension IPVSForwarding {
    /// The word `ipvsadm -Ln` prints in its Forward column.
    public var ipvsadmName: String {
        switch self {
        case .nat: "Masq"
        case .directRouting: "Route"
        case .tunnel: "Tunnel"
        case .local: "Local"
        }
    }
}

extension IPVSService.Key {
    /// keepalived's name for a service in its log lines: `[10.0.0.1]:80`, `[10.0.0.1]:53/udp`,
    /// `FWM 7`; the same form `VirtualServer.displayName` gives a single-address virtual server.
    public var keepalivedName: String {
        switch self {
        case .address(let proto, let address, let port):
            let suffix = proto == .tcp ? "" : "/" + proto.rawValue
            return "[\(address)]:\(port)\(suffix)"
        case .firewallMark(let mark, let family):
            return family == .ipv6 ? "FWM \(mark) IPv6" : "FWM \(mark)"
        }
    }
}

/// A destination's identity inside its service: address and port.
public struct Endpoint: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var address: KernelAddress
    public var port: UInt16

    public init(_ address: KernelAddress, _ port: UInt16) {
        self.address = address
        self.port = port
    }

    /// keepalived's `[10.0.0.2]:80`.
    public var description: String { "[\(address)]:\(port)" }

    public static func < (lhs: Endpoint, rhs: Endpoint) -> Bool {
        (lhs.address.bytes.lexicographicallyPrecedes(rhs.address.bytes))
            || (lhs.address.bytes == rhs.address.bytes && lhs.port < rhs.port)
    }
}

extension IPVSDestination {
    public var endpoint: Endpoint { Endpoint(address, port) }
}
