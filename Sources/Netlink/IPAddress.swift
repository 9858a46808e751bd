#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// An IPv4 or IPv6 address, stored as its network-order bytes.
public struct IPAddress: Hashable, Sendable {
    /// The address family, in the words `ip -4` / `ip -6` use.
    public enum Family: Hashable, Sendable {
        case ipv4
        case ipv6

        /// Bytes in an address of this family.
        public var byteCount: Int { self == .ipv4 ? 4 : 16 }
        /// Bits in an address of this family: the longest prefix.
        public var bitCount: Int { byteCount * 8 }

        var addressFamily: Int32 { self == .ipv4 ? AF_INET : AF_INET6 }

        init?(addressFamily: Int32) {
            switch addressFamily {
            case AF_INET: self = .ipv4
            case AF_INET6: self = .ipv6
            default: return nil
            }
        }
    }

    public let family: Family
    /// Network byte order; 4 bytes for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    /// Fails when the byte count does not match the family.
    public init?(family: Family, bytes: [UInt8]) {
        guard bytes.count == family.byteCount else { return nil }
        self.family = family
        self.bytes = bytes
    }

    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text; nil for anything else.
    public init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self.family = .ipv4
            self.bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            self.family = .ipv6
            self.bytes = withUnsafeBytes(of: &v6) { Array($0) }
            return
        }
        return nil
    }

    /// The unspecified address of a family (0.0.0.0 or ::).
    public static func any(_ family: Family) -> IPAddress {
        IPAddress(family: family, bytes: [UInt8](repeating: 0, count: family.byteCount))!
    }
}

extension IPAddress: LosslessStringConvertible, CustomStringConvertible {
    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let written = bytes.withUnsafeBytes { raw in
            inet_ntop(family.addressFamily, raw.baseAddress, &buffer, socklen_t(buffer.count))
        }
        guard written != nil else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// An address with a prefix length: a network (`10.0.0.0/8`) or a route destination.
public struct IPPrefix: Hashable, Sendable {
    public let address: IPAddress
    public let length: Int

    /// Fails when the length is longer than the family allows.
    public init?(address: IPAddress, length: Int) {
        guard (0...address.family.bitCount).contains(length) else { return nil }
        self.address = address
        self.length = length
    }

    /// A host prefix: /32 or /128.
    public init(host address: IPAddress) {
        self.address = address
        self.length = address.family.bitCount
    }

    /// Parses `ADDR/LEN`, or a bare address as a host prefix.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(String(parts[0])) else { return nil }
        if parts.count == 1 {
            self.init(host: address)
        } else {
            guard let length = Int(parts[1]) else { return nil }
            self.init(address: address, length: length)
        }
    }

    /// `0.0.0.0/0` or `::/0`: what `ip route` calls `default`.
    public static func defaultRoute(_ family: IPAddress.Family) -> IPPrefix {
        IPPrefix(address: .any(family), length: 0)!
    }

    public var family: IPAddress.Family { address.family }
}

extension IPPrefix: LosslessStringConvertible, CustomStringConvertible {
    public var description: String { "\(address)/\(length)" }
}

/// An Ethernet (link-layer) address, as used for VMAC interfaces.
public struct MACAddress: Hashable, Sendable {
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 6 else { return nil }
        self.bytes = bytes
    }

    /// Parses `00:00:5e:00:01:0a` (colons or dashes, either case).
    public init?(_ text: String) {
        let parts = text.split(whereSeparator: { $0 == ":" || $0 == "-" })
        guard parts.count == 6, parts.allSatisfy({ $0.count == 2 }) else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard let byte = UInt8(part, radix: 16) else { return nil }
            bytes.append(byte)
        }
        self.bytes = bytes
    }
}

extension MACAddress: LosslessStringConvertible, CustomStringConvertible {
    public var description: String {
        bytes.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined(separator: ":")
    }
}
