// Golden tests: every advert keepalived 2.2.7 sent in shared/golden/vrrp-v2-v3.pcap decodes to
// the fields its index lists, and re-encodes to the very same bytes.

import Testing

@testable import VRRP

@Suite("Codec against keepalived's captured adverts")
struct CodecGoldenTests {
    @Test("the capture holds both versions, both auth types and 1 or 3 addresses")
    func captureCoversTheCases() throws {
        let golden = try GoldenCapture.load()
        let rows = golden.rows
        #expect(rows.count == 50)
        #expect(Set(rows.map(\.version)) == [2, 3])
        #expect(Set(rows.compactMap(\.authType)) == [0, 1])
        #expect(Set(rows.map(\.count)) == [1, 3])
        #expect(rows.contains { $0.priority == 0 })
    }

    @Test("every frame decodes to the fields of its index line")
    func decodeMatchesIndex() throws {
        let golden = try GoldenCapture.load()
        for (row, packet) in try golden.packets {
            let frame = "frame \(row.frame)"
            let received = try ReceivedVRRPAdvert(ipv4Packet: packet)
            let advert = received.advert
            #expect(advert.version.rawValue == row.version, "\(frame)")
            #expect(row.type == 1, "\(frame): index lists a non-advert")
            #expect(advert.virtualRouterID == row.vrid, "\(frame)")
            #expect(advert.priority == row.priority, "\(frame)")
            #expect(advert.addresses.count == row.count, "\(frame)")
            #expect(advert.addresses.map(\.description) == row.addresses, "\(frame)")
            #expect(advert.checksum == row.checksum, "\(frame)")
            #expect(row.checksumStatus == 1, "\(frame): capture says checksum bad")
            #expect(received.source.description == row.source, "\(frame)")
            #expect(received.ttl == row.ttl, "\(frame)")
            #expect(received.destination == VRRPAdvert.ipv4MulticastGroup, "\(frame)")
            switch advert.version {
            case .v2:
                #expect(advert.authType.rawValue == row.authType, "\(frame)")
                #expect(advert.advertInterval == row.advertIntervalSeconds, "\(frame)")
                #expect(row.maxAdvertIntervalCentiseconds == nil, "\(frame)")
                #expect(advert.password?.text == row.authString, "\(frame)")
                if advert.authType == .none {
                    #expect(advert.authData == [0, 0, 0, 0, 0, 0, 0, 0], "\(frame)")
                }
            case .v3:
                #expect(row.authType == nil && row.advertIntervalSeconds == nil, "\(frame)")
                #expect(advert.advertInterval == row.maxAdvertIntervalCentiseconds, "\(frame)")
                #expect(advert.authData.isEmpty && row.authString == nil, "\(frame)")
            }
        }
    }

    @Test("every frame's IPv4 header is the one keepalived builds")
    func ipHeaderAsKeepalivedSends() throws {
        let golden = try GoldenCapture.load()
        for (frame, row) in zip(golden.frames, golden.rows) {
            #expect(frame.destination == [0x01, 0x00, 0x5E, 0x00, 0x00, 0x12], "frame \(row.frame)")
            let header = try #require(try ReceivedVRRPAdvert(ipv4Packet: frame.ipv4Packet()).ipv4Header)
            #expect(header.typeOfService == 0xC0, "frame \(row.frame)")
            #expect(header.flagsAndFragmentOffset == 0, "frame \(row.frame): DF or fragment set")
            #expect(header.protocol == 112, "frame \(row.frame)")
            #expect(header.ttl == 255, "frame \(row.frame)")
        }
    }

    @Test("every frame re-encodes to the same message and the same IPv4 packet")
    func reencodeIsByteExact() throws {
        let golden = try GoldenCapture.load()
        for (row, packet) in try golden.packets {
            let received = try ReceivedVRRPAdvert(ipv4Packet: packet)
            let header = try #require(received.ipv4Header)
            let message = try received.advert.encodedMessage(
                source: received.source, destination: received.destination)
            #expect(message == Array(packet[20...]), "frame \(row.frame): VRRP message differs")
            let rebuilt = try received.advert.encodedIPv4Packet(
                source: received.source, destination: received.destination,
                identification: header.identification)
            #expect(rebuilt == packet, "frame \(row.frame): IPv4 packet differs")
        }
    }

    @Test("adverts built from keepalived's configuration equal the captured ones")
    func configuredAdvertsEncodeLikeKeepalived() throws {
        let golden = try GoldenCapture.load()
        let vips = ["10.99.0.100", "10.99.0.101", "10.99.0.102"].compactMap { InetAddress($0) }
        for (row, packet) in try golden.packets {
            let version = try #require(VRRPAdvert.Version(rawValue: row.version))
            let authentication: VRRPAdvert.Authentication =
                row.authType == 1 ? .password(VRRPAdvert.Password("ka51pw")) : .none
            let interval = row.advertIntervalSeconds ?? row.maxAdvertIntervalCentiseconds ?? 0
            let advert = VRRPAdvert(
                version: version, virtualRouterID: 51, priority: row.priority, advertInterval: interval,
                addresses: Array(vips.prefix(row.count)), authentication: authentication)
            let source = try #require(InetAddress(row.source))
            let header = try #require(try ReceivedVRRPAdvert(ipv4Packet: packet).ipv4Header)
            let built = try advert.encodedIPv4Packet(
                source: source, destination: VRRPAdvert.ipv4MulticastGroup,
                identification: header.identification)
            #expect(built == packet, "frame \(row.frame)")
        }
    }
}
