// Corrupted copies of keepalived's golden adverts: each receive check of the decoder rejects its
// own kind of damage with its own reason.

import Testing

@testable import VRRP

/// The reason `packet` is dropped by the decoder, or nil when it decodes.
func decodeDropReason(_ packet: [UInt8], options: AdvertDecodeOptions = .init()) -> AdvertDropReason? {
    do {
        _ = try ReceivedVRRPAdvert(ipv4Packet: packet, options: options)
        return nil
    } catch {
        return error
    }
}

/// Sets the IPv4 total length field.
func setTotalLength(_ packet: inout [UInt8], _ length: Int) {
    packet[2] = UInt8(length >> 8)
    packet[3] = UInt8(length & 0xFF)
}

@Suite("Decoder rejects corrupted golden adverts")
struct CodecCorruptionTests {
    let packets: [(row: GoldenIndexRow, packet: [UInt8])]

    init() throws {
        packets = try GoldenCapture.load().packets
    }

    @Test("a flipped checksum bit is a bad checksum, and the expected one is the original")
    func flippedChecksum() {
        for (row, original) in packets {
            var packet = original
            packet[26] ^= 0x01
            #expect(
                decodeDropReason(packet) == .checksum(received: row.checksum ^ 0x0100, expected: row.checksum),
                "frame \(row.frame)")
        }
    }

    @Test("a flipped address bit breaks the checksum")
    func flippedAddress() {
        for (row, original) in packets {
            var packet = original
            packet[31] ^= 0x80
            guard case .checksum = decodeDropReason(packet) else {
                Issue.record("frame \(row.frame): \(String(describing: decodeDropReason(packet)))")
                continue
            }
        }
    }

    @Test("TTL other than 255 is dropped, unless the TTL check is off (unicast)")
    func wrongTTL() throws {
        for (row, original) in packets {
            for ttl: UInt8 in [0, 1, 64, 254] {
                var packet = original
                packet[8] = ttl
                #expect(decodeDropReason(packet) == .ttl(ttl), "frame \(row.frame)")
                let relaxed = try ReceivedVRRPAdvert(ipv4Packet: packet, options: .init(requireTTL255: false))
                #expect(relaxed.ttl == ttl)
            }
        }
    }

    @Test("a packet shorter than its IP total length is a length mismatch")
    func truncatedBelowTotalLength() {
        for (row, original) in packets {
            let packet = Array(original.dropLast())
            #expect(
                decodeDropReason(packet)
                    == .ipTotalLengthMismatch(totalLength: original.count, received: original.count - 1),
                "frame \(row.frame)")
        }
    }

    @Test("a VRRP message shorter than its address count says is a VRRP length mismatch")
    func truncatedMessage() {
        for (row, original) in packets {
            var packet = Array(original.dropLast(4))
            setTotalLength(&packet, packet.count)
            let messageLength = original.count - 20
            #expect(
                decodeDropReason(packet) == .vrrpLengthMismatch(expected: messageLength, received: messageLength - 4),
                "frame \(row.frame)")
        }
    }

    @Test("an address count one too high is a VRRP length mismatch")
    func countMismatch() {
        for (row, original) in packets {
            var packet = original
            packet[23] += 1
            let messageLength = original.count - 20
            #expect(
                decodeDropReason(packet) == .vrrpLengthMismatch(expected: messageLength + 4, received: messageLength),
                "frame \(row.frame)")
        }
    }

    @Test("VRRP versions other than 2 and 3 are dropped, checked before the checksum")
    func wrongVersion() {
        for (row, original) in packets {
            for version: UInt8 in [0, 1, 4, 15] {
                var packet = original
                packet[20] = version << 4 | 1
                #expect(decodeDropReason(packet) == .wrongVersion(version), "frame \(row.frame)")
            }
        }
    }

    @Test("swapping v2 and v3 changes the expected length")
    func swappedVersion() {
        for (row, original) in packets {
            var packet = original
            let swapped: UInt8 = row.version == 2 ? 3 : 2
            packet[20] = swapped << 4 | 1
            let addresses = row.count * 4
            let expected = swapped == 2 ? 16 + addresses : 8 + addresses
            #expect(
                decodeDropReason(packet) == .vrrpLengthMismatch(expected: expected, received: original.count - 20),
                "frame \(row.frame)")
        }
    }

    @Test("VRRP types other than ADVERTISEMENT are dropped")
    func wrongType() {
        for (row, original) in packets {
            for type: UInt8 in [0, 2, 15] {
                var packet = original
                packet[20] = row.version << 4 | type
                #expect(decodeDropReason(packet) == .wrongType(type), "frame \(row.frame)")
            }
        }
    }

    @Test("VRRPv2 auth types beyond AH are invalid")
    func invalidAuthType() {
        for (row, original) in packets where row.version == 2 {
            var packet = original
            packet[24] = 3
            #expect(decodeDropReason(packet) == .invalidAuthType(3), "frame \(row.frame)")
        }
    }

    @Test("IP-level damage: not IPv4, bad header length, neither protocol 112 nor AH")
    func ipHeaderDamage() {
        for (row, original) in packets {
            var packet = original
            packet[0] = 0x65
            #expect(decodeDropReason(packet) == .notIPv4(version: 6), "frame \(row.frame)")
            packet = original
            packet[0] = 0x44
            #expect(decodeDropReason(packet) == .invalidIPHeaderLength(16), "frame \(row.frame)")
            packet[0] = 0x4F
            #expect(decodeDropReason(packet) == .invalidIPHeaderLength(60), "frame \(row.frame)")
            packet = original
            packet[9] = 6
            #expect(decodeDropReason(packet) == .wrongProtocol(6), "frame \(row.frame)")
            // Protocol 51 promises an AH header: a plain VRRP message is no such thing.
            packet[9] = 51
            let ahDrop = decodeDropReason(packet)
            #expect(ahDrop?.name == "truncated" || ahDrop?.name == "ah_header", "frame \(row.frame)")
            #expect(decodeDropReason(Array(original.prefix(19))) == .truncated(received: 19, needed: 20))
        }
    }

    @Test("VRRPv3's checksum covers the pseudo-header; VRRPv2's does not")
    func pseudoHeaderCoverage() {
        for (row, original) in packets {
            var packet = original
            packet[19] = 0x13  // destination 224.0.0.19
            if row.version == 3 {
                guard case .checksum = decodeDropReason(packet) else {
                    Issue.record("frame \(row.frame): v3 checksum ignored the destination")
                    continue
                }
            } else {
                #expect(decodeDropReason(packet) == nil, "frame \(row.frame)")
            }
        }
    }

    @Test("Ethernet padding to the 60-byte minimum frame is accepted, other trailing bytes are not")
    func ethernetPadding() throws {
        for (row, original) in packets {
            let decoded = try ReceivedVRRPAdvert(ipv4Packet: original)
            if original.count < 46 {
                let padded = original + Array(repeating: 0, count: 46 - original.count)
                #expect(try ReceivedVRRPAdvert(ipv4Packet: padded).advert == decoded.advert, "frame \(row.frame)")
                // 42 bytes: a VLAN-tagged minimum frame (tag stripped by the kernel).
                if original.count < 42 {
                    let tagged = original + Array(repeating: 0, count: 42 - original.count)
                    #expect(try ReceivedVRRPAdvert(ipv4Packet: tagged).advert == decoded.advert)
                }
            }
            let oneExtra = original + [0]
            #expect(
                decodeDropReason(oneExtra)
                    == .ipTotalLengthMismatch(totalLength: original.count, received: original.count + 1),
                "frame \(row.frame)")
            let long = original + Array(repeating: 0, count: 22)
            #expect(
                decodeDropReason(long)
                    == .ipTotalLengthMismatch(totalLength: original.count, received: original.count + 22),
                "frame \(row.frame)")
        }
    }

    @Test("IP options (here Router Alert) are skipped by the header length")
    func ipOptions() throws {
        for (row, original) in packets {
            var packet = Array(original[..<20]) + [0x94, 0x04, 0x00, 0x00] + Array(original[20...])
            packet[0] = 0x46
            setTotalLength(&packet, packet.count)
            let withOptions = try ReceivedVRRPAdvert(ipv4Packet: packet)
            #expect(withOptions.advert == (try ReceivedVRRPAdvert(ipv4Packet: original)).advert, "frame \(row.frame)")
        }
    }

    @Test("decoding a slice in the middle of a bigger buffer reads only the slice")
    func decodeFromSlice() throws {
        for (row, original) in packets {
            let buffer = [0xEE, 0xEE, 0xEE] + original + [0xEE]
            let slice = buffer[3..<(3 + original.count)]
            let fromSlice = try ReceivedVRRPAdvert(ipv4Packet: slice)
            #expect(fromSlice == (try ReceivedVRRPAdvert(ipv4Packet: original)), "frame \(row.frame)")
        }
    }
}
