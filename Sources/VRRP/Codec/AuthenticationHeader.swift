import Crypto

/// keepalived's `auth_type AH` (VRRPv2 over IPv4 only): an RFC 2402 IPsec authentication
/// header between the IPv4 header and the VRRP message. Its integrity check value is
/// HMAC-MD5 truncated to 96 bits, keyed with the 8-byte `auth_pass`; the SPI is the sender's
/// address and the sequence number guards against replays (see `AHSequenceCounter`).
public struct AuthenticationHeader: Hashable, Sendable {
    /// IP protocol number of AH.
    public static let ipProtocol: UInt8 = 51
    /// Bytes on the wire: 12 of fields, 12 of ICV.
    public static let length = 24
    /// The payload length field: the header's length in 32-bit words minus 2.
    public static let payloadLength: UInt8 = 4
    /// HMAC-MD5-96: the first 12 bytes of the digest.
    public static let icvLength = 12

    /// The protocol after the header: VRRP.
    public var nextHeader: UInt8
    /// keepalived puts the sender's IPv4 address here, in network order.
    public var securityParameterIndex: UInt32
    public var sequenceNumber: UInt32
    public var integrityCheckValue: [UInt8]

    public init(
        nextHeader: UInt8 = VRRPAdvert.ipProtocol, securityParameterIndex: UInt32, sequenceNumber: UInt32,
        integrityCheckValue: [UInt8] = Array(repeating: 0, count: AuthenticationHeader.icvLength)
    ) {
        self.nextHeader = nextHeader
        self.securityParameterIndex = securityParameterIndex
        self.sequenceNumber = sequenceNumber
        self.integrityCheckValue = integrityCheckValue
    }

    /// The ICV of a packet whose mutable fields and ICV are already zeroed (see `zeroMutableFields`).
    static func integrityCheckValue(of covered: [UInt8], key: VRRPAdvert.Password) -> [UInt8] {
        let code = HMAC<Insecure.MD5>.authenticationCode(for: covered, using: SymmetricKey(data: key.bytes))
        return Array(Array(code).prefix(icvLength))
    }

    /// What keepalived zeroes before computing or checking the ICV, in an IPv4 packet with the
    /// AH header at `ahOffset`: type of service, flags and fragment offset, header checksum,
    /// the ICV itself, and the TTL when adverts go to unicast peers.
    static func zeroMutableFields(_ packet: inout [UInt8], ahOffset: Int, zeroTTL: Bool) {
        packet[1] = 0
        packet[6] = 0
        packet[7] = 0
        packet[10] = 0
        packet[11] = 0
        if zeroTTL { packet[8] = 0 }
        let icvStart = ahOffset + 12
        for index in icvStart..<(icvStart + icvLength) { packet[index] = 0 }
    }
}

/// An AH header as received, with the bytes its ICV covers: the packet with type of service,
/// fragment field, header checksum and ICV zeroed. The TTL stays, since only a unicast
/// instance leaves it out and that is known when verifying.
public struct ReceivedAuthenticationHeader: Hashable, Sendable {
    public var header: AuthenticationHeader
    /// Offset of the AH header in `covered` (the IPv4 header's length).
    let offset: Int
    var covered: [UInt8]

    /// Reads the AH header after an IPv4 header of `ipHeaderLength` bytes in `ipv4Packet`
    /// (exactly the IP total length).
    init(ipv4Packet packet: ArraySlice<UInt8>, ipHeaderLength: Int) throws(AdvertDropReason) {
        let needed = ipHeaderLength + AuthenticationHeader.length
        guard packet.count >= needed else { throw .truncated(received: packet.count, needed: needed) }
        let start = packet.startIndex + ipHeaderLength
        let nextHeader = packet[start]
        let payloadLength = packet[start + 1]
        guard nextHeader == VRRPAdvert.ipProtocol, payloadLength == AuthenticationHeader.payloadLength else {
            throw .malformedAuthenticationHeader(nextHeader: nextHeader, payloadLength: payloadLength)
        }
        let icvStart = start + 12
        header = AuthenticationHeader(
            nextHeader: nextHeader, securityParameterIndex: readUInt32(packet, at: start + 4),
            sequenceNumber: readUInt32(packet, at: start + 8),
            integrityCheckValue: Array(packet[icvStart..<(icvStart + AuthenticationHeader.icvLength)]))
        offset = ipHeaderLength
        covered = Array(packet)
        AuthenticationHeader.zeroMutableFields(&covered, ahOffset: offset, zeroTTL: false)
    }

    /// keepalived's check, in its order: the ICV under `key` (compared in constant time), then
    /// the SPI against `source`. `unicast` leaves the TTL out of the ICV, as keepalived does
    /// for instances with unicast peers. The sequence number is the caller's (`AHSequenceCounter`).
    public func verify(key: VRRPAdvert.Password, source: InetAddress, unicast: Bool) throws(AdvertDropReason) {
        var bytes = covered
        if unicast { bytes[8] = 0 }
        let expected = AuthenticationHeader.integrityCheckValue(of: bytes, key: key)
        guard constantTimeEqual(expected, header.integrityCheckValue) else { throw .authFailure }
        guard case .v4(let address) = source, address == header.securityParameterIndex else {
            throw .securityParameterIndexMismatch(received: header.securityParameterIndex, source: source)
        }
    }
}

/// Compares without an early exit, so timing does not tell how many bytes matched.
func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for index in lhs.indices {
        difference |= lhs[index] ^ rhs[index]
    }
    return difference == 0
}

extension VRRPAdvert {
    /// Builds the whole IPv4 packet with an AH header, byte for byte as keepalived sends it for
    /// `auth_type AH`: protocol 51, SPI the source address, the ICV over the packet with its
    /// mutable fields zeroed (the TTL too when `destination` is a unicast peer). The
    /// identification must not be 0: the kernel would pick one after the ICV was computed.
    public func encodedAuthenticatedIPv4Packet(
        source: InetAddress, destination: InetAddress, identification: UInt16, sequenceNumber: UInt32,
        key: Password, ttl: UInt8 = VRRPAdvert.requiredTTL
    ) throws(AdvertEncodingError) -> [UInt8] {
        guard version == .v2, authType == .ipsecAH else { throw .authenticationHeaderNeedsVersion2AH }
        guard identification != 0 else { throw .authenticationHeaderNeedsIdentification }
        guard case .v4(let sourceValue) = source else { throw .versionNotForFamily(version, source.family) }
        guard case .v4(let destinationValue) = destination else { throw .addressFamilyMismatch(destination) }
        let totalLength =
            IPv4Header.length + AuthenticationHeader.length
            + Self.messageLength(version: version, family: .ipv4, count: addresses.count)
        var out: [UInt8] = []
        out.reserveCapacity(totalLength)
        out.append(0x45)
        out.append(Self.typeOfService)
        appendBigEndian(UInt16(truncatingIfNeeded: totalLength), to: &out)
        appendBigEndian(identification, to: &out)
        appendBigEndian(UInt16(0), to: &out)
        out.append(ttl)
        out.append(AuthenticationHeader.ipProtocol)
        appendBigEndian(UInt16(0), to: &out)
        appendBigEndian(sourceValue, to: &out)
        appendBigEndian(destinationValue, to: &out)

        out.append(Self.ipProtocol)
        out.append(AuthenticationHeader.payloadLength)
        appendBigEndian(UInt16(0), to: &out)
        appendBigEndian(sourceValue, to: &out)
        appendBigEndian(sequenceNumber, to: &out)
        out.append(contentsOf: repeatElement(0, count: AuthenticationHeader.icvLength))
        try appendMessage(to: &out, source: source, destination: destination)

        var covered = out
        let ahOffset = IPv4Header.length
        AuthenticationHeader.zeroMutableFields(&covered, ahOffset: ahOffset, zeroTTL: !destination.isMulticast)
        let icv = AuthenticationHeader.integrityCheckValue(of: covered, key: key)
        out.replaceSubrange((ahOffset + 12)..<(ahOffset + 12 + AuthenticationHeader.icvLength), with: icv)

        var headerChecksum = InternetChecksum()
        headerChecksum.add(out[..<IPv4Header.length])
        let checksum = headerChecksum.value
        out[10] = UInt8(checksum >> 8)
        out[11] = UInt8(checksum & 0xFF)
        return out
    }
}
