/// What one configured VRRP instance accepts: the part of the RFC receive checks that depends on
/// configuration rather than on the packet.
public struct ReceiveExpectations: Hashable, Sendable {
    public var virtualRouterID: UInt8
    public var version: VRRPAdvert.Version
    /// VRRPv2 only; ignored for VRRPv3.
    public var authentication: VRRPAdvert.Authentication
    /// Our `advert_int` in centiseconds (1 s is 100).
    public var advertIntervalCentiseconds: Int
    /// The instance's `virtual_ipaddress` addresses (excluded ones not counted).
    public var virtualAddresses: [InetAddress]
    /// keepalived's `vrrp_skip_check_adv_addr`: do not compare the advert's addresses.
    public var skipCheckAdvertAddresses: Bool
    /// The addresses of this node on the interface: an advert from one of them is our own.
    public var ownAddresses: Set<InetAddress>
    /// Our effective priority is 255: we own the virtual addresses.
    public var isAddressOwner: Bool

    public init(
        virtualRouterID: UInt8,
        version: VRRPAdvert.Version,
        authentication: VRRPAdvert.Authentication = .none,
        advertIntervalCentiseconds: Int = 100,
        virtualAddresses: [InetAddress],
        skipCheckAdvertAddresses: Bool = false,
        ownAddresses: Set<InetAddress> = [],
        isAddressOwner: Bool = false
    ) {
        self.virtualRouterID = virtualRouterID
        self.version = version
        self.authentication = authentication
        self.advertIntervalCentiseconds = advertIntervalCentiseconds
        self.virtualAddresses = virtualAddresses
        self.skipCheckAdvertAddresses = skipCheckAdvertAddresses
        self.ownAddresses = ownAddresses
        self.isAddressOwner = isAddressOwner
    }
}

/// Things worth a log line that do not drop the advert.
public struct AdvertNotices: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// VRRPv3 interval differs from ours: RFC 5798 only says the receiver SHOULD log it (the
    /// backup adopts the master's interval).
    public static let advertIntervalMismatch = AdvertNotices(rawValue: 1 << 0)
    /// VRRPv2 addresses differ but the advert is from the address owner (priority 255), which
    /// RFC 3768 §7.1 says to log and keep processing.
    public static let addressMismatchFromOwner = AdvertNotices(rawValue: 1 << 1)
}

extension ReceivedVRRPAdvert {
    /// Checks a decoded advert against the instance that shares its VRID, in RFC order: VRID,
    /// our own packet, version, VRRPv2 authentication and interval, two address owners, then
    /// the address list. Returns what deserves a log line without dropping the advert.
    @discardableResult
    public func validate(against instance: ReceiveExpectations) throws(AdvertDropReason) -> AdvertNotices {
        var notices: AdvertNotices = []
        guard advert.virtualRouterID == instance.virtualRouterID else {
            throw .unknownVirtualRouter(advert.virtualRouterID)
        }
        if instance.ownAddresses.contains(source) { throw .ownAdvert(source: source) }
        guard advert.version == instance.version else {
            throw .versionMismatch(received: advert.version.rawValue, expected: instance.version.rawValue)
        }

        switch advert.version {
        case .v2:
            try checkAuthentication(instance.authentication)
            if advert.advertIntervalCentiseconds != instance.advertIntervalCentiseconds {
                throw .advertIntervalMismatch(
                    receivedCentiseconds: advert.advertIntervalCentiseconds,
                    expectedCentiseconds: instance.advertIntervalCentiseconds)
            }
        case .v3:
            if advert.advertIntervalCentiseconds != instance.advertIntervalCentiseconds {
                notices.insert(.advertIntervalMismatch)
            }
        }

        if instance.isAddressOwner, advert.priority == 255 {
            throw .addressOwnerConflict(source: source)
        }

        if !instance.skipCheckAdvertAddresses, let mismatch = addressMismatch(instance.virtualAddresses) {
            if advert.version == .v2, advert.priority == 255 {
                notices.insert(.addressMismatchFromOwner)
            } else {
                throw mismatch
            }
        }
        return notices
    }

    /// Finds the instance the advert is for among those configured on the receiving interface
    /// (one address family: the instances on the socket it came from), then validates it.
    /// Returns the index of that instance in `instances` and the notices.
    public func validate(
        againstInterface instances: [ReceiveExpectations]
    ) throws(AdvertDropReason) -> (instance: Int, notices: AdvertNotices) {
        guard let index = instances.firstIndex(where: { $0.virtualRouterID == advert.virtualRouterID }) else {
            throw .unknownVirtualRouter(advert.virtualRouterID)
        }
        return (index, try validate(against: instances[index]))
    }

    private func checkAuthentication(_ expected: VRRPAdvert.Authentication) throws(AdvertDropReason) {
        guard advert.authType == expected.type else {
            throw .authTypeMismatch(received: advert.authType, expected: expected.type)
        }
        switch expected {
        case .none:
            return
        case .password(let password):
            guard password.matches(advert.authData) else { throw .authFailure }
        case .ipsecAH(let key):
            // An advert typed AH that came without the header cannot be verified: refuse it.
            guard let authenticationHeader else { throw .authFailure }
            // keepalived leaves the TTL out for unicast instances; a socket of a unicast
            // instance receives no multicast, so the destination tells which this is.
            try authenticationHeader.verify(key: key, source: source, unicast: !destination.isMulticast)
        }
    }

    /// Same count, and every configured address present (addresses within one instance are
    /// distinct, so that makes the lists equal as sets).
    private func addressMismatch(_ configured: [InetAddress]) -> AdvertDropReason? {
        guard advert.addresses.count == configured.count else {
            return .addressCountMismatch(received: advert.addresses.count, expected: configured.count)
        }
        for address in configured where !advert.addresses.contains(address) {
            return .addressListMismatch(missing: address)
        }
        return nil
    }
}
