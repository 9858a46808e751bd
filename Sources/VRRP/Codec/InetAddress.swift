/// An IPv4 or IPv6 address as VRRP carries it: the codec's own small value type, so the pure
/// `VRRP` module needs neither Foundation nor the C socket types.
public enum InetAddress: Hashable, Sendable {
    /// An IPv4 address as its 32-bit value in host order: 10.0.0.1 is `0x0A00_0001`.
    case v4(UInt32)
    /// An IPv6 address as two 64-bit halves in host order, `high` holding the first 8 bytes.
    case v6(high: UInt64, low: UInt64)

    /// The address family; VRRP never mixes families inside one advert.
    public enum Family: Hashable, Sendable {
        case ipv4
        case ipv6

        /// Bytes of one address of this family on the wire.
        public var byteCount: Int { self == .ipv4 ? 4 : 16 }
    }

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        self = .v4(UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d))
    }

    /// Reads 4 bytes as IPv4 or 16 bytes as IPv6, in network order; any other count is nil.
    public init?(bytes: some Collection<UInt8>) {
        switch bytes.count {
        case 4:
            self = .v4(bytes.reduce(0) { $0 << 8 | UInt32($1) })
        case 16:
            let high = bytes.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
            let low = bytes.dropFirst(8).reduce(0) { $0 << 8 | UInt64($1) }
            self = .v6(high: high, low: low)
        default:
            return nil
        }
    }

    /// Parses dotted-quad IPv4 (`10.0.0.1`) or RFC 4291 IPv6 text (`fe80::1`, `::ffff:10.0.0.1`).
    public init?(_ text: some StringProtocol) {
        if let v4 = Self.parseIPv4(Substring(text)) {
            self = .v4(v4)
        } else if let (high, low) = Self.parseIPv6(Substring(text)) {
            self = .v6(high: high, low: low)
        } else {
            return nil
        }
    }

    public var family: Family {
        switch self {
        case .v4: .ipv4
        case .v6: .ipv6
        }
    }

    /// The address in network byte order, as it appears in a packet.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(family.byteCount)
        append(to: &out)
        return out
    }

    /// Appends the address in network byte order; the encoder's allocation-free path.
    func append(to out: inout [UInt8]) {
        switch self {
        case .v4(let value):
            appendBigEndian(value, to: &out)
        case .v6(let high, let low):
            appendBigEndian(high, to: &out)
            appendBigEndian(low, to: &out)
        }
    }

    /// True for 224.0.0.0/4 and ff00::/8; keepalived tells multicast from unicast adverts so.
    public var isMulticast: Bool {
        switch self {
        case .v4(let value): value >> 28 == 0xE
        case .v6(let high, _): high >> 56 == 0xFF
        }
    }

    private static func parseIPv4(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                let octet = UInt8(part)
            else { return nil }
            value = value << 8 | UInt32(octet)
        }
        return value
    }

    private static func parseIPv6(_ text: Substring) -> (UInt64, UInt64)? {
        let halves = text.split(separator: "::", maxSplits: 1, omittingEmptySubsequences: false)
        guard halves.count <= 2, !text.isEmpty else { return nil }
        guard let head = parseGroups(halves[0], allowIPv4Tail: halves.count == 1) else { return nil }
        var groups = head
        if halves.count == 2 {
            guard let tail = parseGroups(halves[1], allowIPv4Tail: true), head.count + tail.count <= 7
            else { return nil }
            groups += Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard groups.count == 8 else { return nil }
        let high = groups[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = groups[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        return (high, low)
    }

    /// Colon-separated hex groups, the last of which may be a dotted quad (two groups).
    private static func parseGroups(_ text: Substring, allowIPv4Tail: Bool) -> [UInt16]? {
        if text.isEmpty { return [] }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        var groups: [UInt16] = []
        for (index, part) in parts.enumerated() {
            if allowIPv4Tail, index == parts.count - 1, part.contains("."), let v4 = parseIPv4(part) {
                groups.append(UInt16(v4 >> 16))
                groups.append(UInt16(v4 & 0xFFFF))
            } else {
                guard (1...4).contains(part.count), part.allSatisfy(\.isHexDigit),
                    let group = UInt16(part, radix: 16)
                else { return nil }
                groups.append(group)
            }
        }
        return groups
    }
}

extension InetAddress: CustomStringConvertible {
    /// Dotted quad for IPv4, RFC 5952 text (longest zero run compressed, lower case) for IPv6.
    public var description: String {
        switch self {
        case .v4(let value):
            return "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
        case .v6(let high, let low):
            let groups = (0..<8).map { index -> UInt16 in
                let half = index < 4 ? high : low
                return UInt16(truncatingIfNeeded: half >> (UInt64(3 - index % 4) * 16))
            }
            var best = (start: -1, length: 0)
            var run = (start: -1, length: 0)
            for (index, group) in groups.enumerated() {
                if group == 0 {
                    run = run.start < 0 ? (index, 1) : (run.start, run.length + 1)
                    if run.length > best.length { best = run }
                } else {
                    run = (-1, 0)
                }
            }
            func hex(_ slice: ArraySlice<UInt16>) -> String {
                slice.map { String($0, radix: 16) }.joined(separator: ":")
            }
            guard best.length >= 2 else { return hex(groups[...]) }
            return hex(groups[..<best.start]) + "::" + hex(groups[(best.start + best.length)...])
        }
    }
}

/// Appends `value` in network byte order. Concrete overloads: the generic form was not
/// specialised and cost microseconds per packet.
@inline(__always)
func appendBigEndian(_ value: UInt16, to out: inout [UInt8]) {
    out.append(UInt8(truncatingIfNeeded: value &>> 8))
    out.append(UInt8(truncatingIfNeeded: value))
}

@inline(__always)
func appendBigEndian(_ value: UInt32, to out: inout [UInt8]) {
    appendBigEndian(UInt16(truncatingIfNeeded: value &>> 16), to: &out)
    appendBigEndian(UInt16(truncatingIfNeeded: value), to: &out)
}

@inline(__always)
func appendBigEndian(_ value: UInt64, to out: inout [UInt8]) {
    appendBigEndian(UInt32(truncatingIfNeeded: value &>> 32), to: &out)
    appendBigEndian(UInt32(truncatingIfNeeded: value), to: &out)
}
