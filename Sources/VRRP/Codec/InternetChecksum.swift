/// The RFC 1071 internet checksum (one's complement sum of 16-bit words), as VRRP, the IPv4
/// header and the VRRPv3 pseudo-headers use it. Kept as a running sum so a pseudo-header and a
/// message can be added without joining them in one buffer.
struct InternetChecksum {
    private var sum: UInt64 = 0

    init() {}

    /// Adds bytes as big-endian 16-bit words; an odd final byte is padded with a zero byte.
    /// Every call must start on an even offset of the checksummed data (all callers here do).
    @inline(__always)
    mutating func add(_ bytes: ArraySlice<UInt8>) {
        var index = bytes.startIndex
        let end = bytes.endIndex
        while index + 1 < end {
            sum &+= UInt64(bytes[index]) << 8 | UInt64(bytes[index + 1])
            index += 2
        }
        if index < end {
            sum &+= UInt64(bytes[index]) << 8
        }
    }

    mutating func add(_ word: UInt16) {
        sum &+= UInt64(word)
    }

    mutating func add(_ word: UInt32) {
        sum &+= UInt64(word >> 16) &+ UInt64(word & 0xFFFF)
    }

    mutating func add(_ address: InetAddress) {
        switch address {
        case .v4(let value):
            add(value)
        case .v6(let high, let low):
            add(UInt32(truncatingIfNeeded: high >> 32))
            add(UInt32(truncatingIfNeeded: high))
            add(UInt32(truncatingIfNeeded: low >> 32))
            add(UInt32(truncatingIfNeeded: low))
        }
    }

    /// The checksum to put in a packet: the complemented, folded sum. Over data that already
    /// holds a correct checksum it is 0.
    var value: UInt16 {
        var folded = sum
        while folded >> 16 != 0 {
            folded = (folded & 0xFFFF) &+ (folded >> 16)
        }
        return ~UInt16(folded)
    }
}

/// What a VRRP checksum covers besides the message itself.
enum ChecksumCover {
    /// VRRPv2, and VRRPv3 with keepalived's `v3_checksum_as_v2`: the message alone.
    case messageOnly
    /// VRRPv3 (RFC 5798 §5.2.8): the IPv4 or IPv6 pseudo-header of the carrying packet, then
    /// the message.
    case pseudoHeader(source: InetAddress, destination: InetAddress)
}

extension InternetChecksum {
    /// The checksum over a VRRP message: with its checksum field zeroed, the value to send; with
    /// a received checksum in place, 0 when that checksum is right.
    static func vrrp(_ message: ArraySlice<UInt8>, cover: ChecksumCover) -> UInt16 {
        var checksum = InternetChecksum()
        if case .pseudoHeader(let source, let destination) = cover {
            checksum.add(source)
            checksum.add(destination)
            switch source.family {
            case .ipv4:
                // zero byte + protocol, then the VRRP length (RFC 768 layout).
                checksum.add(UInt16(VRRPAdvert.ipProtocol))
                checksum.add(UInt16(truncatingIfNeeded: message.count))
            case .ipv6:
                // 32-bit upper-layer length, three zero bytes, next header (RFC 8200 §8.1).
                checksum.add(UInt32(truncatingIfNeeded: message.count))
                checksum.add(UInt16(VRRPAdvert.ipProtocol))
            }
        }
        checksum.add(message)
        return checksum.value
    }
}
