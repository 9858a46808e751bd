/// Receive settings that change what a packet alone is checked for.
public struct AdvertDecodeOptions: Hashable, Sendable {
    /// keepalived's `v3_checksum_as_v2`: peers compute the VRRPv3 checksum without the
    /// pseudo-header. A checksum computed either way is then accepted (keepalived accepts any;
    /// accepting both still catches corruption).
    public var v3ChecksumAsV2: Bool
    /// Require TTL / hop limit 255. keepalived skips this check for unicast peers.
    public var requireTTL255: Bool

    public init(v3ChecksumAsV2: Bool = false, requireTTL255: Bool = true) {
        self.v3ChecksumAsV2 = v3ChecksumAsV2
        self.requireTTL255 = requireTTL255
    }
}

extension ReceivedVRRPAdvert {
    /// Decodes what a raw IPv4 socket delivers: the IPv4 header, then the VRRP message, with
    /// an IPsec AH header between them for `auth_type AH` (verified later, against the key).
    /// Checks what the packet alone can tell (IP header, TTL, version, type, lengths, checksum).
    /// Ethernet padding after a minimum-size frame is tolerated as keepalived does. Expects
    /// Linux's raw socket, which leaves the header as on the wire (BSDs rewrite the total length).
    public init(
        ipv4Packet packet: ArraySlice<UInt8>, options: AdvertDecodeOptions = .init()
    ) throws(AdvertDropReason) {
        let start = packet.startIndex
        let received = packet.count
        guard received >= VRRPAdvert.IPv4Header.length else {
            throw .truncated(received: received, needed: VRRPAdvert.IPv4Header.length)
        }
        let versionIHL = packet[start]
        guard versionIHL >> 4 == 4 else { throw .notIPv4(version: versionIHL >> 4) }
        let headerLength = Int(versionIHL & 0x0F) * 4
        guard headerLength >= VRRPAdvert.IPv4Header.length, headerLength <= received else {
            throw .invalidIPHeaderLength(headerLength)
        }
        let proto = packet[start + 9]
        guard proto == VRRPAdvert.ipProtocol || proto == AuthenticationHeader.ipProtocol else {
            throw .wrongProtocol(proto)
        }

        let totalLength = Int(readUInt16(packet, at: start + 2))
        if totalLength != received {
            guard Self.isEthernetPadding(totalLength: totalLength, received: received),
                totalLength >= headerLength
            else { throw .ipTotalLengthMismatch(totalLength: totalLength, received: received) }
        }

        let header = VRRPAdvert.IPv4Header(
            typeOfService: packet[start + 1],
            totalLength: UInt16(totalLength),
            identification: readUInt16(packet, at: start + 4),
            flagsAndFragmentOffset: readUInt16(packet, at: start + 6),
            ttl: packet[start + 8],
            protocol: proto,
            headerChecksum: readUInt16(packet, at: start + 10),
            source: .v4(readUInt32(packet, at: start + 12)),
            destination: .v4(readUInt32(packet, at: start + 16)))
        var messageStart = start + headerLength
        var authenticationHeader: ReceivedAuthenticationHeader?
        if proto == AuthenticationHeader.ipProtocol {
            authenticationHeader = try ReceivedAuthenticationHeader(
                ipv4Packet: packet[start..<(start + totalLength)], ipHeaderLength: headerLength)
            messageStart += AuthenticationHeader.length
        }
        try self.init(
            message: packet[messageStart..<(start + totalLength)],
            source: header.source, destination: header.destination, ttl: header.ttl,
            options: options)
        ipv4Header = header
        self.authenticationHeader = authenticationHeader
    }

    /// Decodes a raw IPv4 socket's buffer; see `init(ipv4Packet: ArraySlice<UInt8>, options:)`.
    public init(ipv4Packet packet: [UInt8], options: AdvertDecodeOptions = .init()) throws(AdvertDropReason) {
        try self.init(ipv4Packet: packet[...], options: options)
    }

    /// Decodes a bare VRRP message whose IP details came separately: an IPv6 raw socket
    /// (addresses from `recvmsg` and `IPV6_PKTINFO`, hop limit from `IPV6_HOPLIMIT`), or IPv4
    /// without the header. The family of `source` sets the address size.
    public init(
        message: ArraySlice<UInt8>, source: InetAddress, destination: InetAddress, ttl: UInt8,
        options: AdvertDecodeOptions = .init()
    ) throws(AdvertDropReason) {
        if options.requireTTL255, ttl != VRRPAdvert.requiredTTL { throw .ttl(ttl) }
        let advert = try VRRPAdvert(
            decoding: message, source: source, destination: destination, options: options)
        self.init(advert: advert, source: source, destination: destination, ttl: ttl)
    }

    /// keepalived's rule: a frame padded to Ethernet's 60-byte minimum delivers at most 46 bytes,
    /// and the padding is 2 modulo 4 whether or not a 4-byte VLAN tag was stripped.
    private static func isEthernetPadding(totalLength: Int, received: Int) -> Bool {
        let minimumPayload = 46
        return received <= minimumPayload && totalLength < received && (received - totalLength) % 4 == 2
    }
}

extension VRRPAdvert {
    /// Decodes and checks one VRRP message: version, type, length against the address count,
    /// VRRPv2 auth type and the checksum (with the pseudo-header built from `source` and
    /// `destination` for VRRPv3).
    public init(
        decoding message: ArraySlice<UInt8>, source: InetAddress, destination: InetAddress,
        options: AdvertDecodeOptions = .init()
    ) throws(AdvertDropReason) {
        let start = message.startIndex
        guard message.count >= Self.headerLength else {
            throw .truncated(received: message.count, needed: Self.headerLength)
        }
        let versionType = message[start]
        let family = source.family
        guard let version = Version(rawValue: versionType >> 4), version == .v3 || family == .ipv4 else {
            throw .wrongVersion(versionType >> 4)
        }
        guard versionType & 0x0F == 1 else { throw .wrongType(versionType & 0x0F) }

        let count = Int(message[start + 3])
        let expected = Self.messageLength(version: version, family: family, count: count)
        guard message.count == expected else {
            throw .vrrpLengthMismatch(expected: expected, received: message.count)
        }

        let authType: AuthType
        let interval: UInt16
        switch version {
        case .v2:
            guard let type = AuthType(rawValue: message[start + 4]) else {
                throw .invalidAuthType(message[start + 4])
            }
            authType = type
            interval = UInt16(message[start + 5])
        case .v3:
            authType = .none
            interval = readUInt16(message, at: start + 4) & 0x0FFF
        }

        let checksum = readUInt16(message, at: start + 6)
        try Self.verifyChecksum(
            message, version: version, source: source, destination: destination, options: options)

        var addresses: [InetAddress] = []
        addresses.reserveCapacity(count)
        var offset = start + Self.headerLength
        for _ in 0..<count {
            switch family {
            case .ipv4:
                addresses.append(.v4(readUInt32(message, at: offset)))
            case .ipv6:
                addresses.append(.v6(high: readUInt64(message, at: offset), low: readUInt64(message, at: offset + 8)))
            }
            offset += family.byteCount
        }
        let authData = version == .v2 ? Array(message[offset..<(offset + Self.authDataLength)]) : []

        self.init(
            version: version, virtualRouterID: message[start + 1], priority: message[start + 2],
            advertInterval: interval, addresses: addresses, authType: authType, authData: authData,
            checksum: checksum)
    }

    private static func verifyChecksum(
        _ message: ArraySlice<UInt8>, version: Version, source: InetAddress, destination: InetAddress,
        options: AdvertDecodeOptions
    ) throws(AdvertDropReason) {
        let rfcCover: ChecksumCover =
            version == .v2 ? .messageOnly : .pseudoHeader(source: source, destination: destination)
        if InternetChecksum.vrrp(message, cover: rfcCover) == 0 { return }
        if version == .v3, options.v3ChecksumAsV2, InternetChecksum.vrrp(message, cover: .messageOnly) == 0 {
            return
        }
        // The slow path, only for bad packets: what the checksum should have been.
        var zeroed = message
        zeroed[zeroed.startIndex + 6] = 0
        zeroed[zeroed.startIndex + 7] = 0
        let cover = version == .v3 && options.v3ChecksumAsV2 ? ChecksumCover.messageOnly : rfcCover
        throw .checksum(
            received: readUInt16(message, at: message.startIndex + 6),
            expected: InternetChecksum.vrrp(zeroed, cover: cover))
    }
}

@inline(__always)
func readUInt16(_ bytes: ArraySlice<UInt8>, at index: Int) -> UInt16 {
    UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
}

@inline(__always)
func readUInt32(_ bytes: ArraySlice<UInt8>, at index: Int) -> UInt32 {
    UInt32(readUInt16(bytes, at: index)) << 16 | UInt32(readUInt16(bytes, at: index + 2))
}

@inline(__always)
func readUInt64(_ bytes: ArraySlice<UInt8>, at index: Int) -> UInt64 {
    UInt64(readUInt32(bytes, at: index)) << 32 | UInt64(readUInt32(bytes, at: index + 4))
}
