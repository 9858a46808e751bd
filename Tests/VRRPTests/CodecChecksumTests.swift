// Checksums: the RFC 1071 sum, VRRPv3's IPv4 and IPv6 pseudo-headers, keepalived's
// v3_checksum_as_v2, checked against a plain reference sum written independently here.

import Testing

@testable import VRRP

/// Reference RFC 1071 checksum over one flat byte array (pads an odd length with a zero).
func referenceChecksum(_ bytes: [UInt8]) -> UInt16 {
    let padded = bytes.count % 2 == 0 ? bytes : bytes + [0]
    var sum: UInt32 = 0
    for pair in stride(from: 0, to: padded.count, by: 2) {
        sum += UInt32(padded[pair]) << 8 + UInt32(padded[pair + 1])
    }
    while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
    return ~UInt16(sum)
}

/// The message with its checksum field zeroed.
func zeroingChecksum(_ message: [UInt8]) -> [UInt8] {
    var copy = message
    copy[6] = 0
    copy[7] = 0
    return copy
}

@Suite("VRRP checksums")
struct CodecChecksumTests {
    let source = InetAddress(10, 99, 0, 11)
    let group = VRRPAdvert.ipv4MulticastGroup
    let advert = VRRPAdvert(
        version: .v3, virtualRouterID: 51, priority: 150, advertInterval: 100,
        addresses: [InetAddress(10, 99, 0, 100)])

    @Test("RFC 1071's worked example")
    func rfc1071Example() {
        var sum = InternetChecksum()
        sum.add([0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7][...])
        #expect(sum.value == ~UInt16(0xDDF2))
        #expect(referenceChecksum([0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7]) == ~UInt16(0xDDF2))
        var odd = InternetChecksum()
        odd.add([0xAB, 0xCD, 0xEF][...])
        #expect(odd.value == referenceChecksum([0xAB, 0xCD, 0xEF]))
    }

    @Test("VRRPv3 over IPv4 sums the pseudo-header: source, destination, 0, 112, length")
    func ipv4PseudoHeader() throws {
        let message = try advert.encodedMessage(source: source, destination: group)
        let pseudo: [UInt8] = [10, 99, 0, 11, 224, 0, 0, 18, 0, 112, 0, UInt8(message.count)]
        let expected = referenceChecksum(pseudo + zeroingChecksum(message))
        #expect(UInt16(message[6]) << 8 | UInt16(message[7]) == expected)
        #expect(expected == 0x42A3, "the checksum keepalived sent for this advert (golden frame 20)")
    }

    @Test("v3_checksum_as_v2 sends the message-only sum, and the receiver must be told")
    func v3ChecksumAsV2() throws {
        let rfc = try advert.encodedMessage(source: source, destination: group)
        let asV2 = try advert.encodedMessage(source: source, destination: group, v3ChecksumAsV2: true)
        let asV2Sum = UInt16(asV2[6]) << 8 | UInt16(asV2[7])
        let rfcSum = UInt16(rfc[6]) << 8 | UInt16(rfc[7])
        #expect(asV2Sum == referenceChecksum(zeroingChecksum(asV2)))
        #expect(asV2Sum != rfcSum)
        #expect(Array(asV2[..<6]) + Array(asV2[8...]) == Array(rfc[..<6]) + Array(rfc[8...]))

        func decode(_ message: [UInt8], asV2: Bool) throws(AdvertDropReason) -> ReceivedVRRPAdvert {
            try ReceivedVRRPAdvert(
                message: message[...], source: source, destination: group, ttl: 255,
                options: .init(v3ChecksumAsV2: asV2))
        }
        #expect(throws: AdvertDropReason.checksum(received: asV2Sum, expected: rfcSum)) {
            try decode(asV2, asV2: false)
        }
        #expect(try decode(asV2, asV2: true).advert.checksum == asV2Sum)
        #expect(try decode(rfc, asV2: true).advert.checksum == rfcSum, "keepalived accepts both then")

        var damaged = asV2
        damaged[9] ^= 1
        let damagedSum = referenceChecksum(zeroingChecksum(damaged))
        #expect(throws: AdvertDropReason.checksum(received: asV2Sum, expected: damagedSum)) {
            try decode(damaged, asV2: true)
        }
    }

    @Test("v3_checksum_as_v2 changes nothing for VRRPv2")
    func v2IgnoresAsV2() throws {
        var v2 = advert
        v2.version = .v2
        v2.advertInterval = 1
        v2.authData = [0, 0, 0, 0, 0, 0, 0, 0]
        let plain = try v2.encodedMessage(source: source, destination: group)
        #expect(try v2.encodedMessage(source: source, destination: group, v3ChecksumAsV2: true) == plain)
        #expect(UInt16(plain[6]) << 8 | UInt16(plain[7]) == referenceChecksum(zeroingChecksum(plain)))
    }

    @Test("VRRPv3 over IPv6: 16-byte addresses and the RFC 8200 pseudo-header")
    func ipv6() throws {
        let linkLocal = try #require(InetAddress("fe80::1"))
        let addresses = [try #require(InetAddress("2001:db8::1")), try #require(InetAddress("fe80::100"))]
        let advert6 = VRRPAdvert(
            version: .v3, virtualRouterID: 7, priority: 200, advertInterval: 50, addresses: addresses)
        let message = try advert6.encodedMessage(source: linkLocal, destination: VRRPAdvert.ipv6MulticastGroup)
        #expect(message.count == 8 + 32)
        #expect(Array(message[8..<24]) == addresses[0].bytes)

        let pseudo =
            linkLocal.bytes + VRRPAdvert.ipv6MulticastGroup.bytes + [0, 0, 0, UInt8(message.count)]
            + [0, 0, 0, 112]
        #expect(UInt16(message[6]) << 8 | UInt16(message[7]) == referenceChecksum(pseudo + zeroingChecksum(message)))

        let received = try ReceivedVRRPAdvert(
            message: message[...], source: linkLocal, destination: VRRPAdvert.ipv6MulticastGroup, ttl: 255)
        #expect(received.advert.addresses == addresses)
        #expect(received.advert.priority == 200 && received.advert.advertInterval == 50)
        #expect(received.ipv4Header == nil)
        #expect(
            try received.advert.encodedMessage(source: linkLocal, destination: VRRPAdvert.ipv6MulticastGroup)
                == message)

        let otherSource = try #require(InetAddress("fe80::2"))
        #expect(throws: AdvertDropReason.self) {
            try ReceivedVRRPAdvert(
                message: message[...], source: otherSource, destination: VRRPAdvert.ipv6MulticastGroup, ttl: 255)
        }
        #expect(throws: AdvertDropReason.ttl(64)) {
            try ReceivedVRRPAdvert(
                message: message[...], source: linkLocal, destination: VRRPAdvert.ipv6MulticastGroup, ttl: 64)
        }
    }

    @Test("VRRPv2 is IPv4 only, on receive and on send")
    func v2NotOverIPv6() throws {
        let linkLocal = try #require(InetAddress("fe80::1"))
        let v2 = VRRPAdvert(version: .v2, virtualRouterID: 1, priority: 100, advertInterval: 1, addresses: [])
        #expect(throws: AdvertEncodingError.versionNotForFamily(.v2, .ipv6)) {
            try v2.encodedMessage(source: linkLocal, destination: VRRPAdvert.ipv6MulticastGroup)
        }
        let message = try v2.encodedMessage(source: source, destination: group)
        #expect(throws: AdvertDropReason.wrongVersion(2)) {
            try ReceivedVRRPAdvert(
                message: message[...], source: linkLocal, destination: VRRPAdvert.ipv6MulticastGroup, ttl: 255)
        }
    }
}
