/// A router's primary IPv4 or IPv6 address as network-order bytes. VRRP breaks priority ties
/// by comparing these as unsigned big-endian numbers, which is plain byte-wise order.
public struct VRRPRouterAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    public enum Family: Sendable, Hashable {
        case ipv4
        case ipv6
    }

    /// The address in network byte order: 4 bytes for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    /// Makes an address from 4 (IPv4) or 16 (IPv6) network-order bytes.
    public init(bytes: [UInt8]) throws(VRRPConfigurationError) {
        guard bytes.count == 4 || bytes.count == 16 else {
            throw .invalidAddressLength(bytes.count)
        }
        self.bytes = bytes
    }

    public static func ipv4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> VRRPRouterAddress {
        VRRPRouterAddress(validated: [a, b, c, d])
    }

    private init(validated bytes: [UInt8]) {
        self.bytes = bytes
    }

    public var family: Family {
        bytes.count == 4 ? .ipv4 : .ipv6
    }

    /// Unsigned big-endian order. An IPv4 address sorts below any IPv6 one; VRRP never
    /// compares across families, the order only has to be total.
    public static func < (lhs: VRRPRouterAddress, rhs: VRRPRouterAddress) -> Bool {
        if lhs.bytes.count != rhs.bytes.count {
            return lhs.bytes.count < rhs.bytes.count
        }
        return lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    /// Dotted quad for IPv4; RFC 5952 text (longest zero run as `::`) for IPv6.
    public var description: String {
        if family == .ipv4 {
            return bytes.map { String($0) }.joined(separator: ".")
        }
        let groups = (0..<8).map { UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]) }
        var bestStart = -1
        var bestLength = 0
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            let start = index
            while index < 8 && groups[index] == 0 { index += 1 }
            if index - start > bestLength && index - start > 1 {
                bestStart = start
                bestLength = index - start
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard bestStart >= 0 else {
            return hex.joined(separator: ":")
        }
        let head = hex[..<bestStart].joined(separator: ":")
        let tail = hex[(bestStart + bestLength)...].joined(separator: ":")
        return head + "::" + tail
    }
}
