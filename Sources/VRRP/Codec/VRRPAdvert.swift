/// One VRRP advertisement message without its IP header: RFC 3768 §5 (VRRPv2) or RFC 5798 /
/// RFC 9568 §5 (VRRPv3). Fields keep their wire values, so a decoded advert re-encodes to the
/// same bytes.
public struct VRRPAdvert: Hashable, Sendable {
    /// IP protocol number of VRRP.
    public static let ipProtocol: UInt8 = 112
    /// The only TTL / hop limit a multicast advert may arrive with (RFC 5798 §5.1.1.3).
    public static let requiredTTL: UInt8 = 255
    /// DSCP CS6 ("network control"), the type of service keepalived sends with.
    public static let typeOfService: UInt8 = 0xC0
    /// 224.0.0.18, where IPv4 adverts go unless unicast peers are configured.
    public static let ipv4MulticastGroup = InetAddress.v4(0xE000_0012)
    /// ff02::12, where IPv6 adverts go unless unicast peers are configured.
    public static let ipv6MulticastGroup = InetAddress.v6(high: 0xFF02_0000_0000_0000, low: 0x12)
    /// Length of the fixed header before the addresses.
    public static let headerLength = 8
    /// Length of the VRRPv2 authentication data after the addresses.
    public static let authDataLength = 8

    public enum Version: UInt8, Hashable, Sendable {
        case v2 = 2
        case v3 = 3
    }

    /// VRRPv2 authentication types (RFC 2338 §5.3.6; RFC 3768 keeps only the numbers).
    public enum AuthType: UInt8, Hashable, Sendable {
        /// keepalived: no `authentication` block.
        case none = 0
        /// keepalived `auth_type PASS`: a clear-text password of up to 8 bytes.
        case simplePassword = 1
        /// keepalived `auth_type AH`: an IPsec AH header before the VRRP message.
        case ipsecAH = 2
    }

    /// A `PASS` password as it travels: exactly 8 bytes, zero padded, longer text truncated
    /// (keepalived truncates `auth_pass` to 8 characters the same way).
    public struct Password: Hashable, Sendable {
        public let bytes: [UInt8]

        public init(_ text: some StringProtocol) {
            let utf8 = Array(text.utf8.prefix(VRRPAdvert.authDataLength))
            bytes = utf8 + Array(repeating: 0, count: VRRPAdvert.authDataLength - utf8.count)
        }

        /// Exactly 8 bytes, or nil.
        public init?(bytes: some Collection<UInt8>) {
            guard bytes.count == VRRPAdvert.authDataLength else { return nil }
            self.bytes = Array(bytes)
        }

        /// The text up to the first zero byte, the way keepalived logs it.
        public var text: String {
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }

        /// Compares without an early exit, so timing does not tell how many bytes matched.
        func matches(_ other: [UInt8]) -> Bool {
            guard other.count == bytes.count else { return false }
            var difference: UInt8 = 0
            for index in bytes.indices {
                difference |= bytes[index] ^ other[index]
            }
            return difference == 0
        }
    }

    /// A configured VRRPv2 authentication: type plus its secret.
    public enum Authentication: Hashable, Sendable {
        case none
        case password(Password)
        /// `auth_type AH`: the `auth_pass` keys the AH header's HMAC-MD5-96; the VRRP message
        /// carries zeros where `PASS` carries the password.
        case ipsecAH(Password)

        public var type: AuthType {
            switch self {
            case .none: .none
            case .password: .simplePassword
            case .ipsecAH: .ipsecAH
            }
        }
    }

    public var version: Version
    /// The VRID, 1...255 in a valid configuration.
    public var virtualRouterID: UInt8
    /// 255 from the address owner, 0 when the master resigns, 1...254 otherwise.
    public var priority: UInt8
    /// The interval in its wire unit: seconds for VRRPv2 (8 bits), centiseconds for VRRPv3
    /// (12 bits; keepalived's "max_adver_int"). See `advertIntervalCentiseconds`.
    public var advertInterval: UInt16
    /// The virtual addresses, all of one family, in packet order.
    public var addresses: [InetAddress]
    /// VRRPv2 only; `.none` for VRRPv3.
    public var authType: AuthType
    /// VRRPv2: the 8 authentication bytes as on the wire (zeros unless `PASS`). VRRPv3: empty.
    public var authData: [UInt8]
    /// The checksum as received; the encoder computes its own and ignores this one.
    public var checksum: UInt16

    /// An advert as a sender builds it from its configuration.
    public init(
        version: Version,
        virtualRouterID: UInt8,
        priority: UInt8,
        advertInterval: UInt16,
        addresses: [InetAddress],
        authentication: Authentication = .none
    ) {
        self.version = version
        self.virtualRouterID = virtualRouterID
        self.priority = priority
        self.advertInterval = advertInterval
        self.addresses = addresses
        switch version {
        case .v2:
            authType = authentication.type
            if case .password(let password) = authentication {
                authData = password.bytes
            } else {
                authData = Array(repeating: 0, count: Self.authDataLength)
            }
        case .v3:
            authType = .none
            authData = []
        }
        checksum = 0
    }

    /// Every field as decoded from the wire.
    public init(
        version: Version, virtualRouterID: UInt8, priority: UInt8, advertInterval: UInt16,
        addresses: [InetAddress], authType: AuthType, authData: [UInt8], checksum: UInt16
    ) {
        self.version = version
        self.virtualRouterID = virtualRouterID
        self.priority = priority
        self.advertInterval = advertInterval
        self.addresses = addresses
        self.authType = authType
        self.authData = authData
        self.checksum = checksum
    }

    /// The interval in centiseconds whatever the version, for comparing with a configuration.
    public var advertIntervalCentiseconds: Int {
        version == .v2 ? Int(advertInterval) * 100 : Int(advertInterval)
    }

    /// The `PASS` password carried by a VRRPv2 advert, if it carries one.
    public var password: Password? {
        authType == .simplePassword ? Password(bytes: authData) : nil
    }

    /// Bytes of the message with `count` addresses of `family`.
    public static func messageLength(version: Version, family: InetAddress.Family, count: Int) -> Int {
        headerLength + count * family.byteCount + (version == .v2 ? authDataLength : 0)
    }
}

/// An advert together with what the IP layer said about it: what `validate` and the state
/// machine need (the source is the master's address; TTL was checked by the decoder).
public struct ReceivedVRRPAdvert: Hashable, Sendable {
    public var advert: VRRPAdvert
    public var source: InetAddress
    public var destination: InetAddress
    /// IPv4 TTL or IPv6 hop limit.
    public var ttl: UInt8
    /// The IPv4 header when the advert came with one (raw IPv4 socket); nil for IPv6.
    public var ipv4Header: VRRPAdvert.IPv4Header?
    /// The IPsec AH header the advert came behind (`auth_type AH`), with what its ICV covers.
    public var authenticationHeader: ReceivedAuthenticationHeader?

    public init(
        advert: VRRPAdvert, source: InetAddress, destination: InetAddress, ttl: UInt8,
        ipv4Header: VRRPAdvert.IPv4Header? = nil
    ) {
        self.advert = advert
        self.source = source
        self.destination = destination
        self.ttl = ttl
        self.ipv4Header = ipv4Header
    }
}

extension VRRPAdvert {
    /// The fields of an IPv4 header without options that carry a VRRP advert.
    public struct IPv4Header: Hashable, Sendable {
        public static let length = 20

        /// Type of service; keepalived sends 0xc0.
        public var typeOfService: UInt8
        public var totalLength: UInt16
        /// keepalived leaves 0 and the kernel fills in a counter.
        public var identification: UInt16
        /// Flags and fragment offset; keepalived sends 0 (no DF).
        public var flagsAndFragmentOffset: UInt16
        public var ttl: UInt8
        public var `protocol`: UInt8
        public var headerChecksum: UInt16
        public var source: InetAddress
        public var destination: InetAddress

        public init(
            typeOfService: UInt8 = VRRPAdvert.typeOfService, totalLength: UInt16,
            identification: UInt16 = 0, flagsAndFragmentOffset: UInt16 = 0,
            ttl: UInt8 = VRRPAdvert.requiredTTL, protocol: UInt8 = VRRPAdvert.ipProtocol,
            headerChecksum: UInt16 = 0, source: InetAddress, destination: InetAddress
        ) {
            self.typeOfService = typeOfService
            self.totalLength = totalLength
            self.identification = identification
            self.flagsAndFragmentOffset = flagsAndFragmentOffset
            self.ttl = ttl
            self.protocol = `protocol`
            self.headerChecksum = headerChecksum
            self.source = source
            self.destination = destination
        }
    }
}
