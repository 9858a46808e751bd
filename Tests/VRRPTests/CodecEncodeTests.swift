// Encoding from configuration: the wire layout, and configurations that cannot be encoded.

import Testing

@testable import VRRP

@Suite("Encoding adverts")
struct CodecEncodeTests {
    let source = InetAddress(192, 0, 2, 1)
    let group = VRRPAdvert.ipv4MulticastGroup

    @Test("the IPv4 packet: 0x45, tos 0xc0, total length, id, no DF, TTL 255, protocol 112, sum")
    func ipv4Layout() throws {
        let advert = VRRPAdvert(
            version: .v3, virtualRouterID: 9, priority: 100, advertInterval: 0x0FFF,
            addresses: [InetAddress(192, 0, 2, 100)])
        let packet = try advert.encodedIPv4Packet(source: source, destination: group, identification: 0x1234)
        #expect(packet.count == 32)
        #expect(Array(packet[0..<10]) == [0x45, 0xC0, 0, 32, 0x12, 0x34, 0, 0, 255, 112])
        #expect(Array(packet[12..<20]) == [192, 0, 2, 1, 224, 0, 0, 18])
        #expect(referenceChecksum(Array(packet[0..<20])) == 0, "header checksum must verify")
        #expect(Array(packet[20..<26]) == [0x31, 9, 100, 1, 0x0F, 0xFF])

        let unicast = try advert.encodedIPv4Packet(
            source: source, destination: InetAddress(192, 0, 2, 2), ttl: 64)
        #expect(unicast[8] == 64 && unicast[4] == 0 && unicast[5] == 0)
        let decoded = try ReceivedVRRPAdvert(ipv4Packet: unicast, options: .init(requireTTL255: false))
        #expect(decoded.advert.addresses == advert.addresses)
    }

    @Test("appendMessage writes after what the buffer already holds")
    func appendAfterPrefix() throws {
        let advert = VRRPAdvert(version: .v3, virtualRouterID: 9, priority: 100, advertInterval: 100, addresses: [])
        var buffer: [UInt8] = [1, 2, 3]
        try advert.appendMessage(to: &buffer, source: source, destination: group)
        #expect(Array(buffer[3...]) == (try advert.encodedMessage(source: source, destination: group)))
        #expect(buffer.prefix(3) == [1, 2, 3])
    }

    @Test("v3 reserved bits are sent as zero and ignored on receive")
    func v3ReservedBits() throws {
        let advert = VRRPAdvert(version: .v3, virtualRouterID: 9, priority: 100, advertInterval: 100, addresses: [])
        var message = try advert.encodedMessage(source: source, destination: group)
        #expect(message[4] & 0xF0 == 0)
        message[4] |= 0xF0
        message[6] = 0
        message[7] = 0
        let sum = referenceChecksum([192, 0, 2, 1, 224, 0, 0, 18, 0, 112, 0, UInt8(message.count)] + message)
        message[6] = UInt8(sum >> 8)
        message[7] = UInt8(sum & 0xFF)
        let received = try ReceivedVRRPAdvert(message: message[...], source: source, destination: group, ttl: 255)
        #expect(received.advert.advertInterval == 100)
    }

    @Test("configurations that do not fit the wire are refused")
    func encodingErrors() throws {
        let v6 = try #require(InetAddress("2001:db8::5"))
        var advert = VRRPAdvert(version: .v2, virtualRouterID: 1, priority: 100, advertInterval: 256, addresses: [])
        #expect(throws: AdvertEncodingError.advertIntervalOutOfRange(256, .v2)) {
            try advert.encodedMessage(source: source, destination: group)
        }
        advert.version = .v3
        advert.authData = []
        advert.advertInterval = 4096
        #expect(throws: AdvertEncodingError.advertIntervalOutOfRange(4096, .v3)) {
            try advert.encodedMessage(source: source, destination: group)
        }
        advert.advertInterval = 100
        advert.addresses = [InetAddress(192, 0, 2, 9), v6]
        #expect(throws: AdvertEncodingError.addressFamilyMismatch(v6)) {
            try advert.encodedMessage(source: source, destination: group)
        }
        #expect(throws: AdvertEncodingError.addressFamilyMismatch(v6)) {
            try advert.encodedMessage(source: source, destination: v6)
        }
        #expect(throws: AdvertEncodingError.versionNotForFamily(.v3, .ipv6)) {
            try advert.encodedIPv4Packet(source: v6, destination: group)
        }
        advert.addresses = Array(repeating: InetAddress(192, 0, 2, 9), count: 256)
        #expect(throws: AdvertEncodingError.tooManyAddresses(256)) {
            try advert.encodedMessage(source: source, destination: group)
        }
        advert.addresses = []
        advert.authData = [0]
        #expect(throws: AdvertEncodingError.invalidAuthDataLength(1)) {
            try advert.encodedMessage(source: source, destination: group)
        }
    }

    @Test("the configuration initialiser fills v2 auth data and leaves v3's empty")
    func configurationInitialiser() {
        let none = VRRPAdvert(version: .v2, virtualRouterID: 1, priority: 1, advertInterval: 1, addresses: [])
        #expect(none.authType == .none && none.authData == Array(repeating: 0, count: 8))
        let ah = VRRPAdvert(
            version: .v2, virtualRouterID: 1, priority: 1, advertInterval: 1, addresses: [],
            authentication: .ipsecAH(.init("secret")))
        #expect(ah.authType == .ipsecAH && ah.authData.count == 8)
        let v3 = VRRPAdvert(
            version: .v3, virtualRouterID: 1, priority: 1, advertInterval: 1, addresses: [],
            authentication: .password(.init("ignored")))
        #expect(v3.authType == .none && v3.authData.isEmpty)
        #expect(v3.advertIntervalCentiseconds == 1 && none.advertIntervalCentiseconds == 100)
    }
}
