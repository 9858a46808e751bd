/// Why a received advert is dropped: one case per receive check of RFC 3768 §7.1 and RFC 5798
/// §7.1 (and the IP-level checks before them). Thrown by the decoder (what the packet alone
/// tells) and by `validate(against:)` (what depends on the configured instance).
public enum AdvertDropReason: Error, Hashable, Sendable {
    // Decoding: the packet alone.

    /// Fewer bytes than the header being read needs.
    case truncated(received: Int, needed: Int)
    /// The IP header is not IPv4 (a raw IPv4 socket delivered something odd).
    case notIPv4(version: UInt8)
    /// The IPv4 header length field is below 20 bytes or beyond the packet.
    case invalidIPHeaderLength(Int)
    /// Neither protocol 112 (VRRP) nor 51 (an IPsec AH header before a VRRP message).
    case wrongProtocol(UInt8)
    /// An AH header whose next header is not VRRP or whose length is not HMAC-MD5-96's.
    case malformedAuthenticationHeader(nextHeader: UInt8, payloadLength: UInt8)
    /// The IPv4 total length disagrees with the bytes received (beyond Ethernet padding).
    case ipTotalLengthMismatch(totalLength: Int, received: Int)
    /// TTL / hop limit is not 255: the advert crossed a router (RFC 5798 §7.1).
    case ttl(UInt8)
    /// VRRP version other than 2 or 3 (or 2 over IPv6, which RFC 3768 does not define).
    case wrongVersion(UInt8)
    /// VRRP type other than 1 (ADVERTISEMENT).
    case wrongType(UInt8)
    /// The VRRP message length disagrees with what its address count implies.
    case vrrpLengthMismatch(expected: Int, received: Int)
    /// VRRPv2 auth type other than 0, 1 or 2.
    case invalidAuthType(UInt8)
    /// The VRRP checksum is wrong; `expected` is the one that fits the bytes received.
    case checksum(received: UInt16, expected: UInt16)

    // Validation: against the configured instance.

    /// No instance with this VRID on the interface the advert came in on.
    case unknownVirtualRouter(UInt8)
    /// The instance runs another VRRP version.
    case versionMismatch(received: UInt8, expected: UInt8)
    /// VRRPv2: the advert's auth type is not the configured one.
    case authTypeMismatch(received: VRRPAdvert.AuthType, expected: VRRPAdvert.AuthType)
    /// VRRPv2: wrong password, or an AH integrity check value that does not match (wrong
    /// `auth_pass`, or a field changed on the way). The secret is not carried.
    case authFailure
    /// AH: the SPI is not the sender's address, as keepalived requires.
    case securityParameterIndexMismatch(received: UInt32, source: InetAddress)
    /// AH: a sequence number not above the last one seen or sent: a replayed advert.
    case replayedSequenceNumber(received: UInt32, last: UInt32)
    /// VRRPv2: the advert interval differs from ours (RFC 3768 §7.1 says drop).
    case advertIntervalMismatch(receivedCentiseconds: Int, expectedCentiseconds: Int)
    /// The advert lists another number of addresses than configured.
    case addressCountMismatch(received: Int, expected: Int)
    /// A configured virtual address is missing from the advert.
    case addressListMismatch(missing: InetAddress)
    /// The advert came from one of our own addresses (multicast loopback, or a duplicate config).
    case ownAdvert(source: InetAddress)
    /// Priority 255 from another router while we own the addresses too: two owners.
    case addressOwnerConflict(source: InetAddress)
}

extension AdvertDropReason {
    /// A stable short name, one per case, for per-reason counters and logs.
    public var name: String {
        switch self {
        case .truncated: "truncated"
        case .notIPv4: "ip_version"
        case .invalidIPHeaderLength: "ip_header_length"
        case .wrongProtocol: "ip_protocol"
        case .malformedAuthenticationHeader: "ah_header"
        case .ipTotalLengthMismatch: "ip_length"
        case .ttl: "ttl"
        case .wrongVersion: "version"
        case .wrongType: "type"
        case .vrrpLengthMismatch: "vrrp_length"
        case .invalidAuthType: "auth_type_invalid"
        case .checksum: "checksum"
        case .unknownVirtualRouter: "unknown_vrid"
        case .versionMismatch: "version_mismatch"
        case .authTypeMismatch: "auth_type_mismatch"
        case .authFailure: "auth_failure"
        case .securityParameterIndexMismatch: "ah_spi"
        case .replayedSequenceNumber: "ah_replay"
        case .advertIntervalMismatch: "advert_interval"
        case .addressCountMismatch: "address_count"
        case .addressListMismatch: "address_list"
        case .ownAdvert: "own_advert"
        case .addressOwnerConflict: "owner_conflict"
        }
    }

    /// The keepalived statistics counter (`struct vrrp_stats`, printed by `-S`) this drop adds to,
    /// or nil where keepalived keeps none.
    public var keepalivedStat: String? {
        switch self {
        case .truncated, .invalidIPHeaderLength, .ipTotalLengthMismatch, .vrrpLengthMismatch:
            "packet_len_err"
        case .ttl: "ip_ttl_err"
        case .wrongVersion, .versionMismatch: "vers_err"
        case .wrongType: "invalid_type_rcvd"
        case .invalidAuthType: "invalid_authtype"
        case .checksum: "chk_err"
        case .authTypeMismatch: "authtype_mismatch"
        case .authFailure, .securityParameterIndexMismatch, .replayedSequenceNumber: "auth_failure"
        case .advertIntervalMismatch: "advert_interval_err"
        case .addressCountMismatch, .addressListMismatch: "addr_list_err"
        case .notIPv4, .wrongProtocol, .malformedAuthenticationHeader, .unknownVirtualRouter, .ownAdvert,
            .addressOwnerConflict:
            nil
        }
    }
}

extension AdvertDropReason: CustomStringConvertible {
    /// A log line fragment in keepalived's wording where it has one.
    public var description: String {
        switch self {
        case .truncated(let received, let needed):
            "packet too short, length \(received) and expect at least \(needed)"
        case .notIPv4(let version): "not an IPv4 packet (IP version \(version))"
        case .invalidIPHeaderLength(let length): "invalid IP header length \(length)"
        case .wrongProtocol(let proto): "IP protocol \(proto) is not VRRP (112)"
        case .malformedAuthenticationHeader(let next, let length):
            "IPSEC-AH : next header \(next) with payload length \(length) is not VRRP with HMAC-MD5-96"
        case .ipTotalLengthMismatch(let total, let received):
            "ip_tot_len mismatch against received length. \(total) and received \(received)"
        case .ttl(let ttl): "invalid TTL/HL. Received \(ttl) and expect 255"
        case .wrongVersion(let version): "wrong VRRP version \(version)"
        case .wrongType(let type): "Invalid packet type. \(type) and expect 1"
        case .vrrpLengthMismatch(let expected, let received):
            "vrrp packet too \(received > expected ? "long" : "short"), length \(received) and expect \(expected)"
        case .invalidAuthType(let type): "Invalid auth type: \(type)"
        case .checksum(let received, let expected):
            "Invalid VRRP checksum 0x\(hex4(received)), expected 0x\(hex4(expected))"
        case .unknownVirtualRouter(let vrid): "Unknown VRID(\(vrid)) received. ignoring..."
        case .versionMismatch(let received, let expected):
            "wrong VRRP version. Received \(received) and expect \(expected)"
        case .authTypeMismatch(let received, let expected):
            "received a \(received.rawValue) auth, expecting \(expected.rawValue)!"
        case .authFailure: "received an invalid passwd or IPSEC HMAC-MD5 value!"
        case .securityParameterIndexMismatch(let received, let source):
            "IPSEC AH : invalid IPSEC SPI value \(InetAddress.v4(received)), expected \(source)"
        case .replayedSequenceNumber(let received, let last):
            "IPSEC-AH : sequence number \(received) already processed. Packet dropped. Local(\(last))"
        case .advertIntervalMismatch(let received, let expected):
            "advertisement interval mismatch mine=\(expected) centi-sec rcv'd=\(received) centi-sec"
        case .addressCountMismatch(let received, let expected):
            "expected \(expected) VIPs but received \(received)"
        case .addressListMismatch(let missing): "ip address \(missing) not present in advert"
        case .ownAdvert(let source): "advert from our own address \(source)"
        case .addressOwnerConflict(let source):
            "priority 255 advert from \(source) while we are address owner"
        }
    }
}

private func hex4(_ value: UInt16) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 4 - digits.count) + digits
}
