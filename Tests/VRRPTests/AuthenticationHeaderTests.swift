// auth_type AH against adverts keepalived 2.2.7 sent: captured with tcpdump on a veth pair in
// two namespaces (VRID 52 multicast with auth_pass "ka52ah", VRID 53 to the unicast peer
// 10.98.0.12 with auth_pass "12345678"), IPv4 packets without the Ethernet header.

import Testing

@testable import VRRP

/// One captured AH advert and what it was sent with.
struct GoldenAHAdvert: Sendable {
    var hex: String
    var key: VRRPAdvert.Password
    var identification: UInt16
    var sequenceNumber: UInt32
    var priority: UInt8

    var packet: [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    var isUnicast: Bool { packet[16] != 224 }

    static let multicastKey = VRRPAdvert.Password("ka52ah")
    static let unicastKey = VRRPAdvert.Password("12345678")

    static let all: [GoldenAHAdvert] = [
        .init(
            hex: "45c0004000010000ff33d04a0a62000be0000012700400000a62000b00000001a5886f9cea494fe6094d1dad"
                + "2134960102013c030a6200640000000000000000",
            key: multicastKey, identification: 1, sequenceNumber: 1, priority: 150),
        .init(
            hex: "45c0004000020000ff33d0490a62000be0000012700400000a62000b00000002995da764a3630115cf1567d3"
                + "2134960102013c030a6200640000000000000000",
            key: multicastKey, identification: 2, sequenceNumber: 2, priority: 150),
        .init(
            hex: "45c0004000030000ff33d0480a62000be0000012700400000a62000b00000003a575fb895f4a326fcfa98fc6"
                + "2134960102013c030a6200640000000000000000",
            key: multicastKey, identification: 3, sequenceNumber: 3, priority: 150),
        .init(
            hex: "45c0004000040000ff33d0470a62000be0000012700400000a62000b00000004e1d02073ee1de5fb5a507923"
                + "213400010201d2030a6200640000000000000000",
            key: multicastKey, identification: 4, sequenceNumber: 4, priority: 0),
        .init(
            hex: "45c0004400010000ff33a5eb0a62000b0a62000c700400000a62000b000000019bc1c1383c415c5fedf948b4"
                + "21359602020131380a6200650a6200660000000000000000",
            key: unicastKey, identification: 1, sequenceNumber: 1, priority: 150),
        .init(
            hex: "45c0004400020000ff33a5ea0a62000b0a62000c700400000a62000b000000024f5f697aca5791c4fcf228f0"
                + "21359602020131380a6200650a6200660000000000000000",
            key: unicastKey, identification: 2, sequenceNumber: 2, priority: 150),
        .init(
            hex: "45c0004400030000ff33a5e90a62000b0a62000c700400000a62000b00000003667d5e15a89bef0633c886f5"
                + "21359602020131380a6200650a6200660000000000000000",
            key: unicastKey, identification: 3, sequenceNumber: 3, priority: 150),
        .init(
            hex: "45c0004400040000ff33a5e80a62000b0a62000c700400000a62000b0000000448aeb27d38ee8f6fe1ef26e7"
                + "213500020201c7380a6200650a6200660000000000000000",
            key: unicastKey, identification: 4, sequenceNumber: 4, priority: 0),
    ]
}

@Suite("IPsec AH as keepalived sends it")
struct AuthenticationHeaderTests {
    let sender = InetAddress(10, 98, 0, 11)

    func expectations(_ golden: GoldenAHAdvert) -> ReceiveExpectations {
        let vips =
            golden.isUnicast
            ? [InetAddress(10, 98, 0, 101), InetAddress(10, 98, 0, 102)] : [InetAddress(10, 98, 0, 100)]
        return ReceiveExpectations(
            virtualRouterID: golden.isUnicast ? 53 : 52, version: .v2, authentication: .ipsecAH(golden.key),
            advertIntervalCentiseconds: 100, virtualAddresses: vips)
    }

    @Test("every captured advert decodes with its AH header: SPI the sender, keepalived's sequence")
    func decode() throws {
        for golden in GoldenAHAdvert.all {
            let received = try ReceivedVRRPAdvert(ipv4Packet: golden.packet)
            let header = try #require(received.authenticationHeader).header
            #expect(header.nextHeader == VRRPAdvert.ipProtocol)
            #expect(header.securityParameterIndex == 0x0A62_000B)
            #expect(header.sequenceNumber == golden.sequenceNumber)
            #expect(received.source == sender)
            #expect(received.advert.authType == .ipsecAH)
            #expect(received.advert.authData == Array(repeating: 0, count: 8))
            #expect(received.advert.priority == golden.priority)
            #expect(received.ipv4Header?.protocol == AuthenticationHeader.ipProtocol)
        }
    }

    @Test("every captured advert validates against its instance and key, unicast ones without the TTL")
    func validate() throws {
        for golden in GoldenAHAdvert.all {
            let received = try ReceivedVRRPAdvert(ipv4Packet: golden.packet)
            #expect(throws: Never.self) { try received.validate(against: expectations(golden)) }
        }
    }

    @Test("the encoder rebuilds keepalived's packets byte for byte from id, sequence and key")
    func encodeMatchesKeepalived() throws {
        for golden in GoldenAHAdvert.all {
            let received = try ReceivedVRRPAdvert(ipv4Packet: golden.packet)
            let advert = VRRPAdvert(
                version: .v2, virtualRouterID: received.advert.virtualRouterID, priority: golden.priority,
                advertInterval: 1, addresses: received.advert.addresses, authentication: .ipsecAH(golden.key))
            let bytes = try advert.encodedAuthenticatedIPv4Packet(
                source: sender, destination: received.destination, identification: golden.identification,
                sequenceNumber: golden.sequenceNumber, key: golden.key)
            #expect(bytes == golden.packet, "sequence \(golden.sequenceNumber) to \(received.destination)")
        }
    }

    @Test("a wrong key fails the ICV, and so does a changed covered field; mutable fields do not count")
    func integrity() throws {
        let golden = GoldenAHAdvert.all[0]
        var instance = expectations(golden)
        instance.authentication = .ipsecAH(.init("ka52aX"))
        let received = try ReceivedVRRPAdvert(ipv4Packet: golden.packet)
        #expect(throws: AdvertDropReason.authFailure) { try received.validate(against: instance) }

        // The identification is covered: a changed one fails even with a fixed header checksum.
        var changedID = golden.packet
        changedID[5] ^= 0x40
        fixHeaderChecksum(&changedID)
        let forged = try ReceivedVRRPAdvert(ipv4Packet: changedID)
        #expect(throws: AdvertDropReason.authFailure) { try forged.validate(against: expectations(golden)) }

        // Type of service and the fragment field may change on the way.
        var mutated = golden.packet
        mutated[1] = 0x00
        mutated[6] = 0x40
        fixHeaderChecksum(&mutated)
        let changed = try ReceivedVRRPAdvert(ipv4Packet: mutated)
        #expect(throws: Never.self) { try changed.validate(against: expectations(golden)) }
    }

    @Test("the TTL is covered for multicast adverts and left out for unicast ones")
    func ttlCoverage() throws {
        let options = AdvertDecodeOptions(requireTTL255: false)
        for golden in [GoldenAHAdvert.all[0], GoldenAHAdvert.all[4]] {
            var packet = golden.packet
            packet[8] = 64
            fixHeaderChecksum(&packet)
            let received = try ReceivedVRRPAdvert(ipv4Packet: packet, options: options)
            if golden.isUnicast {
                #expect(throws: Never.self) { try received.validate(against: expectations(golden)) }
            } else {
                #expect(throws: AdvertDropReason.authFailure) { try received.validate(against: expectations(golden)) }
            }
        }
    }

    @Test("an SPI other than the source is refused even under the right key")
    func securityParameterIndex() throws {
        let golden = GoldenAHAdvert.all[0]
        var packet = golden.packet
        packet[27] = 0x63  // SPI 10.98.0.99
        var covered = packet
        AuthenticationHeader.zeroMutableFields(&covered, ahOffset: 20, zeroTTL: false)
        packet.replaceSubrange(32..<44, with: AuthenticationHeader.integrityCheckValue(of: covered, key: golden.key))
        let received = try ReceivedVRRPAdvert(ipv4Packet: packet)
        #expect(throws: AdvertDropReason.securityParameterIndexMismatch(received: 0x0A62_0063, source: sender)) {
            try received.validate(against: expectations(golden))
        }
    }

    @Test("an AH header around something else, or of another length, is refused when decoding")
    func malformed() {
        var packet = GoldenAHAdvert.all[0].packet
        packet[20] = 6
        #expect(throws: AdvertDropReason.malformedAuthenticationHeader(nextHeader: 6, payloadLength: 4)) {
            try ReceivedVRRPAdvert(ipv4Packet: packet)
        }
        let short = Array(GoldenAHAdvert.all[0].packet.prefix(30))
        var truncated = short
        truncated[2] = 0
        truncated[3] = 30
        #expect(throws: AdvertDropReason.truncated(received: 30, needed: 44)) {
            try ReceivedVRRPAdvert(ipv4Packet: truncated)
        }
    }

    @Test("the encoder refuses AH on VRRPv3, on an advert not typed AH, and with identification 0")
    func encoderRefusals() {
        let key = VRRPAdvert.Password("k")
        let v3 = VRRPAdvert(version: .v3, virtualRouterID: 1, priority: 1, advertInterval: 100, addresses: [])
        let none = VRRPAdvert(version: .v2, virtualRouterID: 1, priority: 1, advertInterval: 1, addresses: [])
        let ah = VRRPAdvert(
            version: .v2, virtualRouterID: 1, priority: 1, advertInterval: 1, addresses: [],
            authentication: .ipsecAH(key))
        let group = VRRPAdvert.ipv4MulticastGroup
        #expect(throws: AdvertEncodingError.authenticationHeaderNeedsVersion2AH) {
            try v3.encodedAuthenticatedIPv4Packet(
                source: sender, destination: group, identification: 1, sequenceNumber: 1, key: key)
        }
        #expect(throws: AdvertEncodingError.authenticationHeaderNeedsVersion2AH) {
            try none.encodedAuthenticatedIPv4Packet(
                source: sender, destination: group, identification: 1, sequenceNumber: 1, key: key)
        }
        #expect(throws: AdvertEncodingError.authenticationHeaderNeedsIdentification) {
            try ah.encodedAuthenticatedIPv4Packet(
                source: sender, destination: group, identification: 0, sequenceNumber: 1, key: key)
        }
    }

    @Test("sequence numbers: received ones must rise, sending numbers on from the highest seen")
    func sequenceCounter() throws {
        var counter = AHSequenceCounter()
        try counter.accept(5)
        #expect(throws: AdvertDropReason.replayedSequenceNumber(received: 5, last: 5)) { try counter.accept(5) }
        #expect(throws: AdvertDropReason.replayedSequenceNumber(received: 3, last: 5)) { try counter.accept(3) }
        #expect(counter.next() == 6, "a new MASTER numbers on from what it saw")
        #expect(throws: AdvertDropReason.replayedSequenceNumber(received: 6, last: 6)) { try counter.accept(6) }
        counter.synchronise(afterLowerPriority: 100)
        #expect(counter.next() == 102)

        var full = AHSequenceCounter(last: 0xFFFF_FFFD)
        #expect(full.next() == 0xFFFF_FFFE)
        #expect(full.next() == 0xFFFF_FFFE && full.hasCycled)
        full.becomingMaster()
        #expect(full.last == 0 && !full.hasCycled)
    }

    func fixHeaderChecksum(_ packet: inout [UInt8]) {
        packet[10] = 0
        packet[11] = 0
        var sum = InternetChecksum()
        sum.add(packet[..<20])
        packet[10] = UInt8(sum.value >> 8)
        packet[11] = UInt8(sum.value & 0xFF)
    }
}
