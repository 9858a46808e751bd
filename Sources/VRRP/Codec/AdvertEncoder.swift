/// Why an advert cannot be put on the wire; each is a configuration the sender should refuse.
public enum AdvertEncodingError: Error, Hashable, Sendable {
    /// More than 255 addresses: the count field is one byte.
    case tooManyAddresses(Int)
    /// An address of another family than the packet's source.
    case addressFamilyMismatch(InetAddress)
    /// VRRPv2 exists for IPv4 only.
    case versionNotForFamily(VRRPAdvert.Version, InetAddress.Family)
    /// Interval beyond the field: 255 s for VRRPv2, 4095 cs for VRRPv3.
    case advertIntervalOutOfRange(UInt16, VRRPAdvert.Version)
    /// VRRPv2 needs exactly 8 authentication bytes, VRRPv3 none.
    case invalidAuthDataLength(Int)
    /// An AH header goes only before a VRRPv2 advert typed `AH`.
    case authenticationHeaderNeedsVersion2AH
    /// An AH packet needs its own nonzero identification: the ICV covers it, so the kernel
    /// must not fill one in after.
    case authenticationHeaderNeedsIdentification
}

extension VRRPAdvert {
    /// Builds the VRRP message byte for byte as keepalived does, checksum included. For VRRPv3
    /// the checksum covers the pseudo-header of `source` and `destination` unless
    /// `v3ChecksumAsV2` is set (keepalived's option of that name).
    public func encodedMessage(
        source: InetAddress, destination: InetAddress, v3ChecksumAsV2: Bool = false
    ) throws(AdvertEncodingError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Self.messageLength(version: version, family: source.family, count: addresses.count))
        try appendMessage(to: &out, source: source, destination: destination, v3ChecksumAsV2: v3ChecksumAsV2)
        return out
    }

    /// Builds the whole IPv4 packet for a raw socket with `IP_HDRINCL`, as keepalived sends it:
    /// no options, type of service 0xc0, no DF, protocol 112, header checksum filled in.
    /// With `identification` 0 the kernel picks one (and rewrites the header checksum).
    public func encodedIPv4Packet(
        source: InetAddress, destination: InetAddress, identification: UInt16 = 0,
        ttl: UInt8 = VRRPAdvert.requiredTTL, v3ChecksumAsV2: Bool = false
    ) throws(AdvertEncodingError) -> [UInt8] {
        guard case .v4(let sourceValue) = source else {
            throw .versionNotForFamily(version, source.family)
        }
        guard case .v4(let destinationValue) = destination else {
            throw .addressFamilyMismatch(destination)
        }
        let totalLength =
            IPv4Header.length + Self.messageLength(version: version, family: .ipv4, count: addresses.count)
        var out: [UInt8] = []
        out.reserveCapacity(totalLength)
        out.append(0x45)
        out.append(Self.typeOfService)
        appendBigEndian(UInt16(truncatingIfNeeded: totalLength), to: &out)
        appendBigEndian(identification, to: &out)
        appendBigEndian(UInt16(0), to: &out)
        out.append(ttl)
        out.append(Self.ipProtocol)
        appendBigEndian(UInt16(0), to: &out)
        appendBigEndian(sourceValue, to: &out)
        appendBigEndian(destinationValue, to: &out)
        var headerChecksum = InternetChecksum()
        headerChecksum.add(out[...])
        let checksum = headerChecksum.value
        out[10] = UInt8(checksum >> 8)
        out[11] = UInt8(checksum & 0xFF)
        try appendMessage(to: &out, source: source, destination: destination, v3ChecksumAsV2: v3ChecksumAsV2)
        return out
    }

    /// Appends the message to `out`; `out` may already hold an IP header.
    public func appendMessage(
        to out: inout [UInt8], source: InetAddress, destination: InetAddress, v3ChecksumAsV2: Bool = false
    ) throws(AdvertEncodingError) {
        let family = source.family
        guard version == .v3 || family == .ipv4 else { throw .versionNotForFamily(version, family) }
        guard destination.family == family else { throw .addressFamilyMismatch(destination) }
        if let foreign = addresses.first(where: { $0.family != family }) {
            throw .addressFamilyMismatch(foreign)
        }
        guard addresses.count <= Int(UInt8.max) else { throw .tooManyAddresses(addresses.count) }
        let maximumInterval: UInt16 = version == .v2 ? 0xFF : 0x0FFF
        guard advertInterval <= maximumInterval else { throw .advertIntervalOutOfRange(advertInterval, version) }
        let authLength = version == .v2 ? Self.authDataLength : 0
        guard authData.count == authLength else { throw .invalidAuthDataLength(authData.count) }

        let start = out.count
        out.append(version.rawValue << 4 | 1)
        out.append(virtualRouterID)
        out.append(priority)
        out.append(UInt8(addresses.count))
        switch version {
        case .v2:
            out.append(authType.rawValue)
            out.append(UInt8(advertInterval))
        case .v3:
            appendBigEndian(advertInterval, to: &out)
        }
        out.append(0)
        out.append(0)
        for address in addresses {
            address.append(to: &out)
        }
        out.append(contentsOf: authData)

        let cover: ChecksumCover =
            version == .v2 || v3ChecksumAsV2 ? .messageOnly : .pseudoHeader(source: source, destination: destination)
        let checksum = InternetChecksum.vrrp(out[start...], cover: cover)
        out[start + 6] = UInt8(checksum >> 8)
        out[start + 7] = UInt8(checksum & 0xFF)
    }
}
