// validate(against:): the receive checks that depend on the configured instance, each reason at
// least once, starting from keepalived's own adverts and configuration (VRID 51, 10.99.0.100).

import Testing

@testable import VRRP

@Suite("Validating adverts against the configured instance")
struct CodecValidateTests {
    let vip = InetAddress(10, 99, 0, 100)
    let peer = InetAddress(10, 99, 0, 11)
    let me = InetAddress(10, 99, 0, 12)

    /// The first golden advert: v2, PASS "ka51pw", 1 s, priority 150, one address.
    let v2Pass: ReceivedVRRPAdvert
    /// The first golden v3 advert: 100 cs, priority 150, one address.
    let v3: ReceivedVRRPAdvert

    init() throws {
        let packets = try GoldenCapture.load().packets
        v2Pass = try ReceivedVRRPAdvert(ipv4Packet: try #require(packets.first { $0.row.frame == 1 }).packet)
        v3 = try ReceivedVRRPAdvert(ipv4Packet: try #require(packets.first { $0.row.frame == 20 }).packet)
    }

    var v2Instance: ReceiveExpectations {
        ReceiveExpectations(
            virtualRouterID: 51, version: .v2, authentication: .password(.init("ka51pw")),
            advertIntervalCentiseconds: 100, virtualAddresses: [vip], ownAddresses: [me])
    }

    var v3Instance: ReceiveExpectations {
        ReceiveExpectations(
            virtualRouterID: 51, version: .v3, advertIntervalCentiseconds: 100, virtualAddresses: [vip],
            ownAddresses: [me])
    }

    func dropReason(_ advert: ReceivedVRRPAdvert, _ instance: ReceiveExpectations) -> AdvertDropReason? {
        do {
            try advert.validate(against: instance)
            return nil
        } catch {
            return error
        }
    }

    @Test("the peer's adverts pass the instance they were sent for, without notices")
    func matchingAdvertsPass() throws {
        #expect(try v2Pass.validate(against: v2Instance) == [])
        #expect(try v3.validate(against: v3Instance) == [])
    }

    @Test("another VRID is not configured here")
    func unknownVRID() {
        var instance = v2Instance
        instance.virtualRouterID = 52
        #expect(dropReason(v2Pass, instance) == .unknownVirtualRouter(51))
    }

    @Test("on an interface, the instance with the advert's VRID checks it")
    func interfaceLookup() throws {
        var other = v2Instance
        other.virtualRouterID = 50
        let found = try v2Pass.validate(againstInterface: [other, v2Instance])
        #expect(found.instance == 1 && found.notices == [])
        #expect(throws: AdvertDropReason.unknownVirtualRouter(51)) {
            try v2Pass.validate(againstInterface: [other])
        }
        #expect(throws: AdvertDropReason.unknownVirtualRouter(51)) { try v2Pass.validate(againstInterface: []) }
        var wrongPassword = v2Instance
        wrongPassword.authentication = .password(.init("nope"))
        #expect(throws: AdvertDropReason.authFailure) { try v2Pass.validate(againstInterface: [other, wrongPassword]) }
    }

    @Test("an advert from one of our addresses is our own")
    func ownAdvert() {
        var instance = v2Instance
        instance.ownAddresses = [me, peer]
        #expect(dropReason(v2Pass, instance) == .ownAdvert(source: peer))
    }

    @Test("a v3 advert for a v2 instance is a version mismatch")
    func versionMismatch() {
        var instance = v3Instance
        instance.version = .v2
        #expect(dropReason(v3, instance) == .versionMismatch(received: 3, expected: 2))
    }

    @Test("v2 auth type must be the configured one")
    func authTypeMismatch() {
        var instance = v2Instance
        instance.authentication = .none
        #expect(dropReason(v2Pass, instance) == .authTypeMismatch(received: .simplePassword, expected: .none))
        instance.authentication = .ipsecAH(.init("ka51pw"))
        #expect(dropReason(v2Pass, instance) == .authTypeMismatch(received: .simplePassword, expected: .ipsecAH))
    }

    @Test("v2 PASS with another password fails; so does an advert typed AH without the AH header")
    func authFailure() throws {
        var instance = v2Instance
        instance.authentication = .password(.init("ka51pX"))
        #expect(dropReason(v2Pass, instance) == .authFailure)
        instance.authentication = .password(.init("ka51pw\u{0}\u{0}"))
        #expect(dropReason(v2Pass, instance) == nil, "zero padding is part of the password")

        var ah = v2Pass
        ah.advert.authType = .ipsecAH
        instance.authentication = .ipsecAH(.init("ka51pw"))
        #expect(dropReason(ah, instance) == .authFailure)
    }

    @Test("passwords are 8 bytes, zero padded, longer text truncated")
    func passwordPadding() throws {
        #expect(VRRPAdvert.Password("ka51pw").bytes == Array("ka51pw".utf8) + [0, 0])
        #expect(VRRPAdvert.Password("123456789").bytes == Array("12345678".utf8))
        #expect(VRRPAdvert.Password(bytes: [1, 2, 3]) == nil)
        #expect(try #require(v2Pass.advert.password).text == "ka51pw")
        #expect(v3.advert.password == nil)
    }

    @Test("v2 interval mismatch drops; v3 interval mismatch is only a notice")
    func intervalMismatch() throws {
        var instance = v2Instance
        instance.advertIntervalCentiseconds = 200
        #expect(
            dropReason(v2Pass, instance)
                == .advertIntervalMismatch(receivedCentiseconds: 100, expectedCentiseconds: 200))
        var v3Slow = v3Instance
        v3Slow.advertIntervalCentiseconds = 10
        #expect(try v3.validate(against: v3Slow) == .advertIntervalMismatch)
    }

    @Test("another address count or a missing address drops, unless vrrp_skip_check_adv_addr")
    func addressMismatch() throws {
        var instance = v2Instance
        instance.virtualAddresses = [vip, InetAddress(10, 99, 0, 101)]
        #expect(dropReason(v2Pass, instance) == .addressCountMismatch(received: 1, expected: 2))
        instance.virtualAddresses = [InetAddress(10, 99, 0, 101)]
        #expect(dropReason(v2Pass, instance) == .addressListMismatch(missing: InetAddress(10, 99, 0, 101)))
        instance.skipCheckAdvertAddresses = true
        #expect(try v2Pass.validate(against: instance) == [])

        var v3Other = v3Instance
        v3Other.virtualAddresses = []
        #expect(dropReason(v3, v3Other) == .addressCountMismatch(received: 1, expected: 0))
    }

    @Test("address order does not matter")
    func addressOrder() throws {
        let three = [vip, InetAddress(10, 99, 0, 101), InetAddress(10, 99, 0, 102)]
        var advert = v3
        advert.advert.addresses = three
        var instance = v3Instance
        instance.virtualAddresses = three.reversed()
        #expect(try advert.validate(against: instance) == [])
    }

    @Test("two address owners: priority 255 received while we own the addresses")
    func ownerConflict() throws {
        var owner = v3
        owner.advert.priority = 255
        var instance = v3Instance
        #expect(dropReason(owner, instance) == nil)
        instance.isAddressOwner = true
        #expect(dropReason(owner, instance) == .addressOwnerConflict(source: peer))
        owner.advert.priority = 254
        #expect(dropReason(owner, instance) == nil)
    }

    @Test("RFC 3768: a v2 address mismatch from the address owner is logged, not dropped")
    func v2OwnerAddressMismatch() throws {
        var owner = v2Pass
        owner.advert.priority = 255
        var instance = v2Instance
        instance.virtualAddresses = [InetAddress(10, 99, 0, 101)]
        #expect(try owner.validate(against: instance) == .addressMismatchFromOwner)
    }

    @Test("every drop reason has its own stable name, and keepalived's counter where it has one")
    func reasonNames() {
        let all: [AdvertDropReason] = [
            .truncated(received: 0, needed: 20), .notIPv4(version: 6), .invalidIPHeaderLength(4),
            .wrongProtocol(51), .ipTotalLengthMismatch(totalLength: 1, received: 2), .ttl(1),
            .wrongVersion(1), .wrongType(2), .vrrpLengthMismatch(expected: 1, received: 2),
            .invalidAuthType(3), .checksum(received: 1, expected: 2), .unknownVirtualRouter(1),
            .versionMismatch(received: 2, expected: 3), .authTypeMismatch(received: .none, expected: .ipsecAH),
            .authFailure, .advertIntervalMismatch(receivedCentiseconds: 1, expectedCentiseconds: 2),
            .addressCountMismatch(received: 1, expected: 2), .addressListMismatch(missing: vip),
            .ownAdvert(source: me), .addressOwnerConflict(source: peer),
            .malformedAuthenticationHeader(nextHeader: 6, payloadLength: 4),
            .securityParameterIndexMismatch(received: 1, source: peer),
            .replayedSequenceNumber(received: 1, last: 2),
        ]
        #expect(Set(all.map(\.name)).count == all.count)
        #expect(all.allSatisfy { !$0.name.isEmpty && !$0.description.isEmpty })
        #expect(AdvertDropReason.ttl(1).keepalivedStat == "ip_ttl_err")
        #expect(
            AdvertDropReason.checksum(received: 1, expected: 2).description
                == "Invalid VRRP checksum 0x0001, expected 0x0002")
    }
}
