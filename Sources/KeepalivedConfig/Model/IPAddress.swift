#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IPv4 or IPv6 address as written in keepalived.conf, stored in network byte order.
public enum IPAddress: Hashable, Sendable, Comparable, ConfigTextCodable {
    case v4(UInt32)
    /// Sixteen bytes, most significant first; `zone` is the `%ifname` of a link-local address.
    case v6(bytes: [UInt8], zone: String?)

    public enum Family: String, Sendable, Codable { case inet, inet6 }

    public var family: Family {
        switch self {
        case .v4: .inet
        case .v6: .inet6
        }
    }

    /// The widest prefix this family allows: 32 or 128.
    public var maximumPrefixLength: Int { family == .inet ? 32 : 128 }

    /// Parses dotted quad IPv4 or any RFC 4291 text form of IPv6, with an optional `%zone`.
    public init?(_ text: some StringProtocol) {
        let text = String(text)
        if !text.contains(":") {
            var address = in_addr()
            guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
            self = .v4(UInt32(bigEndian: address.s_addr))
            return
        }
        var host = Substring(text)
        var zone: String?
        if let percent = text.firstIndex(of: "%") {
            host = text[..<percent]
            zone = String(text[text.index(after: percent)...])
            if zone!.isEmpty { return nil }
        }
        var address = in6_addr()
        guard inet_pton(AF_INET6, String(host), &address) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: address) { Array($0) }
        self = .v6(bytes: bytes, zone: zone)
    }

    /// Network byte order bytes: 4 or 16 of them.
    public var bytes: [UInt8] {
        switch self {
        case .v4(let value): withUnsafeBytes(of: value.bigEndian) { Array($0) }
        case .v6(let bytes, _): bytes
        }
    }

    public var description: String {
        switch self {
        case .v4(let value):
            return "\(value >> 24).\((value >> 16) & 0xff).\((value >> 8) & 0xff).\(value & 0xff)"
        case .v6(let bytes, let zone):
            var address = in6_addr()
            withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: bytes) }
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count))
            let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return zone.map { "\(text)%\($0)" } ?? text
        }
    }

    /// Unsigned big-endian order, the order VRRP uses to break priority ties.
    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

}

/// An address with a prefix length, as in `10.0.0.1/24`. A missing prefix means a host prefix.
public struct IPPrefix: Hashable, Sendable, ConfigTextCodable {
    public var address: IPAddress
    public var length: Int

    public init(address: IPAddress, length: Int) {
        self.address = address
        self.length = length
    }

    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        var length = address.maximumPrefixLength
        if parts.count == 2 {
            guard let value = Int(parts[1]), (0...address.maximumPrefixLength).contains(value) else { return nil }
            length = value
        }
        self.init(address: address, length: length)
    }

    /// True when no explicit prefix is needed to print it.
    public var isHost: Bool { length == address.maximumPrefixLength }

    public var description: String { isHost ? address.description : "\(address)/\(length)" }

}

/// keepalived's address range `10.0.0.1-10` (the last byte, or the last 16-bit group for IPv6,
/// runs up to the number after the dash), used by virtual_server_group.
public struct IPAddressRange: Hashable, Sendable, ConfigTextCodable {
    public var first: IPAddress
    /// The last value of the final byte (IPv4) or final 16-bit group (IPv6).
    public var lastComponent: Int

    public init(first: IPAddress, lastComponent: Int) {
        self.first = first
        self.lastComponent = lastComponent
    }

    public init?(_ text: some StringProtocol) {
        guard let dash = text.lastIndex(of: "-") else { return nil }
        guard let first = IPAddress(text[..<dash]) else { return nil }
        let tail = text[text.index(after: dash)...]
        let value: Int?
        switch first {
        case .v4: value = Int(tail).flatMap { (0...255).contains($0) ? $0 : nil }
        case .v6: value = Int(tail, radix: 16).flatMap { (0...0xffff).contains($0) ? $0 : nil }
        }
        guard let last = value else { return nil }
        let start = first.bytes
        let startComponent = first.family == .inet ? Int(start[3]) : Int(start[14]) << 8 | Int(start[15])
        guard last >= startComponent else { return nil }
        self.init(first: first, lastComponent: last)
    }

    /// Every address of the range, in order.
    public var addresses: [IPAddress] {
        var bytes = first.bytes
        let start = first.family == .inet ? Int(bytes[3]) : Int(bytes[14]) << 8 | Int(bytes[15])
        return (start...max(start, lastComponent)).compactMap { component in
            if first.family == .inet {
                bytes[3] = UInt8(component)
                return .v4(bytes.reduce(0) { $0 << 8 | UInt32($1) })
            }
            bytes[14] = UInt8(component >> 8)
            bytes[15] = UInt8(component & 0xff)
            if case .v6(_, let zone) = first { return .v6(bytes: bytes, zone: zone) }
            return nil
        }
    }

    public var description: String {
        first.family == .inet ? "\(first)-\(lastComponent)" : "\(first)-\(String(lastComponent, radix: 16))"
    }

}

/// A value written as one word in keepalived.conf, and encoded as that same text in JSON.
public protocol ConfigTextCodable: Codable, CustomStringConvertible {
    init?(_ text: some StringProtocol)
}

extension ConfigTextCodable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a valid \(Self.self): \(text)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
