// IPv6 goldens: packets captured from keepalived 2.2.7 on a veth pair (tcpdump -x), VRRPv3
// vrid 61 priority 150 advert_int 1 with fd00:6::100 and fd00:6::101, sent from the link-local
// fe80::ff:fe00:60a of MAC 02:00:00:00:06:0a; and the neighbour adverts it sent on takeover.

import Testing

@testable import VRRP

/// Bytes from tcpdump's hex lines: groups of four hex digits.
func hexBytes(_ text: String) -> [UInt8] {
    let digits = Array(text.filter(\.isHexDigit))
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}

@Suite("VRRPv3 over IPv6: keepalived goldens")
struct CodecIPv6GoldenTests {
    /// IPv6 header (traffic class 0xc0, hop limit 255) then the 40-byte VRRP message.
    static let advertPacket = hexBytes(
        """
        6c06 a0c3 0028 70ff fe80 0000 0000 0000 0000 00ff fe00 060a ff02 0000 0000 0000
        0000 0000 0000 0012 313d 9602 0064 3915 fd00 0006 0000 0000 0000 0000 0000 0100
        fd00 0006 0000 0000 0000 0000 0000 0101
        """)
    /// The same instance resigning on SIGTERM: priority 0.
    static let resignPacket = hexBytes(
        """
        6c06 a0c3 0028 70ff fe80 0000 0000 0000 0000 00ff fe00 060a ff02 0000 0000 0000
        0000 0000 0000 0012 313d 0002 0064 cf15 fd00 0006 0000 0000 0000 0000 0000 0100
        fd00 0006 0000 0000 0000 0000 0000 0101
        """)
    /// The unsolicited neighbour advert for fd00:6::100 (IPv6 packet; Ethernet 02:..:0a > 33:33:00:00:00:01).
    static let neighbourAdvert100 = hexBytes(
        """
        6000 0000 0020 3aff fd00 0006 0000 0000 0000 0000 0000 0100 ff02 0000 0000 0000
        0000 0000 0000 0001 8800 5288 2000 0000 fd00 0006 0000 0000 0000 0000 0000 0100
        0201 0200 0000 060a
        """)
    static let neighbourAdvert101 = hexBytes(
        """
        6000 0000 0020 3aff fd00 0006 0000 0000 0000 0000 0000 0101 ff02 0000 0000 0000
        0000 0000 0000 0001 8800 5286 2000 0000 fd00 0006 0000 0000 0000 0000 0000 0101
        0201 0200 0000 060a
        """)

    let source = InetAddress("fe80::ff:fe00:60a")!
    let vips = [InetAddress("fd00:6::100")!, InetAddress("fd00:6::101")!]
    let mac: [UInt8] = [0x02, 0, 0, 0, 0x06, 0x0A]

    func received(_ packet: [UInt8], hopLimit: UInt8? = nil) throws(AdvertDropReason) -> ReceivedVRRPAdvert {
        try ReceivedVRRPAdvert(
            message: packet[40...], source: source, destination: VRRPAdvert.ipv6MulticastGroup,
            ttl: hopLimit ?? packet[7])
    }

    @Test func keepalivedsAdvertDecodesAndReencodesByteForByte() throws {
        for (packet, priority, checksum) in [
            (Self.advertPacket, UInt8(150), UInt16(0x3915)), (Self.resignPacket, 0, 0xCF15),
        ] {
            let advert = try received(packet).advert
            #expect(advert.version == .v3 && advert.virtualRouterID == 61 && advert.priority == priority)
            #expect(advert.advertInterval == 100 && advert.addresses == vips)
            #expect(advert.checksum == checksum)
            let encoded = try advert.encodedMessage(source: source, destination: VRRPAdvert.ipv6MulticastGroup)
            #expect(encoded == Array(packet[40...]))
        }
    }

    /// The checksum summed by hand, 16-bit words of the RFC 8200 pseudo-header (zero words
    /// left out) and of the message with its checksum field zero:
    /// fe80+00ff+fe00+060a (source) + ff02+0012 (ff02::12) + 0028 (length 40) + 0070 (next
    /// header 112) + 313d+9602+0064 + fd00+0006+0100 + fd00+0006+0101 = 0x5c6e5, folded 0xc6ea,
    /// complemented 0x3915: what keepalived sent.
    @Test func theIPv6PseudoHeaderChecksumMatchesAHandComputation() throws {
        let words: [UInt32] = [
            0xFE80, 0x00FF, 0xFE00, 0x060A, 0xFF02, 0x0012, 0x0028, 0x0070, 0x313D, 0x9602, 0x0064,
            0xFD00, 0x0006, 0x0100, 0xFD00, 0x0006, 0x0101,
        ]
        let sum = words.reduce(0, +)
        #expect(sum == 0x5C6E5)
        let folded = (sum & 0xFFFF) + (sum >> 16)
        #expect(~UInt16(folded) == 0x3915)
        let advert = VRRPAdvert(
            version: .v3, virtualRouterID: 61, priority: 150, advertInterval: 100, addresses: vips)
        let message = try advert.encodedMessage(source: source, destination: VRRPAdvert.ipv6MulticastGroup)
        #expect(message[6] == 0x39 && message[7] == 0x15)
    }

    @Test func aHopLimitOtherThan255IsDropped() {
        #expect(throws: AdvertDropReason.ttl(64)) { try received(Self.advertPacket, hopLimit: 64) }
        #expect(throws: AdvertDropReason.ttl(254)) { try received(Self.advertPacket, hopLimit: 254) }
    }

    @Test func aWrongChecksumOrAnotherSourceIsDropped() {
        var corrupted = Self.advertPacket
        corrupted[42] ^= 0x01  // priority 150 -> 151
        #expect(throws: AdvertDropReason.checksum(received: 0x3915, expected: 0x3815)) {
            try received(corrupted)
        }
        // The same bytes from another sender: the pseudo-header differs.
        #expect(throws: AdvertDropReason.self) {
            try ReceivedVRRPAdvert(
                message: Self.advertPacket[40...], source: InetAddress("fe80::ff:fe00:60b")!,
                destination: VRRPAdvert.ipv6MulticastGroup, ttl: 255)
        }
        // keepalived's v3_checksum_as_v2 peers: the checksum without the pseudo-header.
        let asV2 = try? VRRPAdvert(
            version: .v3, virtualRouterID: 61, priority: 150, advertInterval: 100, addresses: vips
        ).encodedMessage(source: source, destination: VRRPAdvert.ipv6MulticastGroup, v3ChecksumAsV2: true)
        #expect(throws: AdvertDropReason.self) {
            try ReceivedVRRPAdvert(
                message: asV2![...], source: source, destination: VRRPAdvert.ipv6MulticastGroup, ttl: 255)
        }
        #expect(
            (try? ReceivedVRRPAdvert(
                message: asV2![...], source: source, destination: VRRPAdvert.ipv6MulticastGroup, ttl: 255,
                options: .init(v3ChecksumAsV2: true))) != nil)
    }

    @Test func neighbourAdvertsAreKeepalivedsByteForByte() throws {
        let first = try UnsolicitedNeighbourAdvert(target: vips[0], hardwareAddress: mac)
        let second = try UnsolicitedNeighbourAdvert(target: vips[1], hardwareAddress: mac)
        #expect(first.ipv6Packet == Self.neighbourAdvert100)
        #expect(second.ipv6Packet == Self.neighbourAdvert101)
        #expect(first.ethernetFrame == [0x33, 0x33, 0, 0, 0, 1] + mac + [0x86, 0xDD] + Self.neighbourAdvert100)
        // By hand: fd00+0006+0100 (source) + ff02+0001 (ff02::1) + 0020 (length 32) + 003a
        // (ICMPv6) + 8800+2000 + fd00+0006+0100 (target) + 0201+0200+0000+060a = 0x3ad74,
        // folded 0xad77, complemented 0x5288.
        #expect(first.icmpMessage[2] == 0x52 && first.icmpMessage[3] == 0x88)
        let router = try UnsolicitedNeighbourAdvert(target: vips[0], hardwareAddress: mac, isRouter: true)
        #expect(router.icmpMessage[4] == 0xA0)
        #expect(
            referenceChecksum(
                vips[0].bytes + UnsolicitedNeighbourAdvert.allNodes.bytes + [0, 0, 0, 32, 0, 0, 0, 58]
                    + router.icmpMessage) == 0)
    }

    @Test func neighbourAdvertsRefuseIPv4AndOddMACs() {
        #expect(throws: NeighbourAdvertError.notIPv6(InetAddress(10, 0, 0, 1))) {
            try UnsolicitedNeighbourAdvert(target: InetAddress(10, 0, 0, 1), hardwareAddress: mac)
        }
        #expect(throws: NeighbourAdvertError.invalidHardwareAddress([1, 2, 3])) {
            try UnsolicitedNeighbourAdvert(target: vips[0], hardwareAddress: [1, 2, 3])
        }
    }
}
