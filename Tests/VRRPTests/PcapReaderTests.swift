// The test-support pcap reader itself: both byte orders, the link type check, damaged files.

import Foundation
import Testing

@Suite("pcap reader (test support)")
struct PcapReaderTests {
    /// The golden file's bytes.
    func goldenBytes() throws -> [UInt8] {
        let directory = try #require(GoldenCapture.locate(), "golden files not found beside the repository")
        return try [UInt8](Data(contentsOf: directory.appendingPathComponent("vrrp-v2-v3.pcap")))
    }

    /// The same capture written big-endian: every header field byte-swapped, frames untouched.
    func swappedToBigEndian(_ little: [UInt8]) -> [UInt8] {
        var bytes = little
        func swap(_ offset: Int, _ width: Int) {
            bytes[offset..<(offset + width)].reverse()
        }
        swap(0, 4)
        swap(4, 2)
        swap(6, 2)
        for field in stride(from: 8, to: 24, by: 4) { swap(field, 4) }
        var offset = 24
        while offset < bytes.count {
            let included = Int(little[offset + 8]) | Int(little[offset + 9]) << 8 | Int(little[offset + 10]) << 16
            for field in stride(from: offset, to: offset + 16, by: 4) { swap(field, 4) }
            offset += 16 + included
        }
        return bytes
    }

    @Test("the golden file is little-endian, microsecond, Ethernet, pcap 2.4")
    func goldenHeader() throws {
        let file = try PcapFile(bytes: goldenBytes())
        #expect(!file.bigEndian && !file.nanosecondTimestamps)
        #expect(file.versionMajor == 2 && file.versionMinor == 4)
        #expect(file.linkType == PcapFile.linkTypeEthernet)
        #expect(file.records.count == 50)
        #expect(file.records.allSatisfy { $0.originalLength == $0.data.count })
    }

    @Test("a big-endian copy reads to the same records")
    func bigEndian() throws {
        let little = try PcapFile(bytes: goldenBytes())
        let big = try PcapFile(bytes: swappedToBigEndian(goldenBytes()))
        #expect(big.bigEndian)
        #expect(big.linkType == little.linkType && big.snapLength == little.snapLength)
        #expect(big.records.map(\.data) == little.records.map(\.data))
        #expect(big.records.map(\.seconds) == little.records.map(\.seconds))
        #expect(big.records.map(\.fraction) == little.records.map(\.fraction))
    }

    @Test("other link types, other magics and cut files are refused")
    func refusals() throws {
        var bytes = try goldenBytes()
        bytes[20] = 113  // LINKTYPE_LINUX_SLL
        #expect(throws: PcapError.unsupportedLinkType(113)) { try PcapFile(bytes: bytes).ethernetFrames() }
        #expect(throws: PcapError.notPcap(magic: 0)) { try PcapFile(bytes: Array(repeating: 0, count: 24)) }
        #expect(throws: PcapError.truncatedGlobalHeader(10)) { try PcapFile(bytes: Array(bytes.prefix(10))) }
        let golden = try goldenBytes()
        #expect(throws: PcapError.truncatedRecord(index: 0, offset: 24)) {
            try PcapFile(bytes: Array(golden.prefix(24 + 20)))
        }
    }

    @Test("Ethernet: VLAN tags are skipped, non-IPv4 frames refused")
    func ethernet() throws {
        let frame = try #require(try PcapFile(bytes: goldenBytes()).ethernetFrames().first)
        #expect(frame.etherType == 0x0800)
        var tagged = Array(frame.destination + frame.source) + [0x81, 0x00, 0x00, 0x05, 0x08, 0x00]
        tagged += frame.payload
        let untagged = try EthernetFrame(tagged[...])
        #expect(untagged.etherType == 0x0800 && untagged.payload == frame.payload)
        var arp = tagged
        arp[16] = 0x08
        arp[17] = 0x06
        #expect(throws: PcapError.notIPv4(etherType: 0x0806)) { try EthernetFrame(arp[...]).ipv4Packet() }
        #expect(throws: PcapError.truncatedFrame(13)) { try EthernetFrame(tagged.prefix(13)) }
    }
}
