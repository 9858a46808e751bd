// Property-style tests: the decoder never traps, whatever the bytes, and whatever it accepts
// re-encodes to an advert that decodes the same. Deterministic: a fixed-seed generator.

import Testing

@testable import VRRP

/// SplitMix64: a tiny seeded generator, so every run feeds the decoder the same bytes.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Decoder robustness")
struct CodecFuzzTests {
    /// Whatever decodes must survive an encode/decode round trip unchanged (but for the
    /// checksum, which the encoder computes the RFC way, and v3's reserved bits, sent as zero).
    func checkRoundTrip(_ received: ReceivedVRRPAdvert) throws {
        let rebuilt = try received.advert.encodedMessage(source: received.source, destination: received.destination)
        let again = try ReceivedVRRPAdvert(
            message: rebuilt[...], source: received.source, destination: received.destination, ttl: received.ttl,
            options: .init(requireTTL255: false))
        var expected = received.advert
        expected.checksum = again.advert.checksum
        #expect(again.advert == expected)
    }

    /// Gives random bytes an IPv4 + VRRP start (version, TTL, protocol, total length), so the
    /// decoder gets past its first checks.
    static func makePlausibleStart(_ bytes: inout [UInt8], version: UInt8) {
        bytes[0] = 0x45
        bytes[8] = 255
        bytes[9] = 112
        setTotalLength(&bytes, bytes.count)
        bytes[20] = version << 4 | 1
    }

    /// Turns random bytes into an advert the decoder must accept: length fitting the address
    /// count, a known v2 auth type and a right checksum; every other field stays random.
    static func repairIntoAdvert(_ bytes: inout [UInt8], version: UInt8) {
        let count = (bytes.count - 20) / 4 % 8
        let length = 20 + (version == 2 ? 16 : 8) + count * 4
        bytes = Array(bytes.prefix(length)) + Array(repeating: 0, count: max(0, length - bytes.count))
        makePlausibleStart(&bytes, version: version)
        bytes[23] = UInt8(count)
        if version == 2 { bytes[24] %= 3 }
        bytes[26] = 0
        bytes[27] = 0
        let pseudo = version == 3 ? Array(bytes[12..<20]) + [0, 112, 0, UInt8(length - 20)] : []
        let sum = referenceChecksum(pseudo + Array(bytes[20...]))
        bytes[26] = UInt8(sum >> 8)
        bytes[27] = UInt8(sum & 0xFF)
    }

    @Test("random bytes never crash the decoder; repaired ones decode and round-trip")
    func randomBytes() throws {
        var generator = SplitMix64(state: 0x5EED_0112)
        var decoded = 0
        var repairedCount = 0
        for iteration in 0..<20_000 {
            let count = Int.random(in: 0...80, using: &generator)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // A quarter stays random, a quarter gets a plausible start, half is repaired.
            let version: UInt8 = iteration % 4 < 2 ? 2 : 3
            let repaired = iteration % 2 == 0 && bytes.count >= 22
            if repaired {
                Self.repairIntoAdvert(&bytes, version: version)
                repairedCount += 1
            } else if iteration % 4 == 1, bytes.count >= 22 {
                Self.makePlausibleStart(&bytes, version: version)
            }
            let options = AdvertDecodeOptions(v3ChecksumAsV2: iteration % 3 == 0)
            switch Result(catching: { () throws(AdvertDropReason) in
                try ReceivedVRRPAdvert(ipv4Packet: bytes, options: options)
            }) {
            case .success(let received):
                decoded += 1
                try checkRoundTrip(received)
            case .failure(let reason):
                if repaired { Issue.record("repaired buffer \(iteration) dropped: \(reason)") }
            }
            _ = try? ReceivedVRRPAdvert(
                message: bytes[...], source: InetAddress(10, 0, 0, 1), destination: VRRPAdvert.ipv4MulticastGroup,
                ttl: 255, options: options)
            _ = try? ReceivedVRRPAdvert(
                message: bytes[...], source: .v6(high: 0xFE80 << 48, low: 1),
                destination: VRRPAdvert.ipv6MulticastGroup,
                ttl: 255, options: options)
        }
        // Of the unrepaired buffers almost none decode: a random checksum matches once in 65536.
        #expect(repairedCount > 6_000)
        #expect(decoded >= repairedCount && decoded < repairedCount + 10)
    }

    @Test("every truncation of every golden packet is dropped, never a crash")
    func everyTruncation() throws {
        for (row, packet) in try GoldenCapture.load().packets {
            for length in 0..<packet.count {
                let prefix = Array(packet.prefix(length))
                #expect(decodeDropReason(prefix) != nil, "frame \(row.frame) cut to \(length) bytes decoded")
                var consistent = prefix
                if length >= 4 { setTotalLength(&consistent, length) }
                #expect(decodeDropReason(consistent) != nil, "frame \(row.frame) cut to \(length) bytes decoded")
                let message = packet[20...].prefix(max(0, length - 20))
                #expect(throws: AdvertDropReason.self) {
                    try ReceivedVRRPAdvert(
                        message: message, source: InetAddress(10, 99, 0, 11),
                        destination: VRRPAdvert.ipv4MulticastGroup, ttl: 255)
                }
            }
        }
    }

    @Test("every single-byte change of every golden packet is dropped or round-trips")
    func everyByteMutation() throws {
        var generator = SplitMix64(state: 42)
        for (row, packet) in try GoldenCapture.load().packets {
            for index in packet.indices {
                var mutated = packet
                mutated[index] ^= UInt8.random(in: 1...255, using: &generator)
                guard let received = try? ReceivedVRRPAdvert(ipv4Packet: mutated) else { continue }
                // Only bytes outside the VRRP checksum (most of the IP header) may change unnoticed.
                #expect(index < 20 && ![0, 2, 3, 8, 9].contains(index), "frame \(row.frame) byte \(index)")
                try checkRoundTrip(received)
            }
        }
    }
}
