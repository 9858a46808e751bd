// Test support: a small reader for libpcap capture files (the classic format tcpdump writes),
// enough to pull Ethernet frames out of the golden captures.

/// Why a capture file cannot be read.
enum PcapError: Error, Equatable, CustomStringConvertible {
    case notPcap(magic: UInt32)
    case truncatedGlobalHeader(Int)
    case truncatedRecord(index: Int, offset: Int)
    case unsupportedLinkType(UInt32)
    case notIPv4(etherType: UInt16)
    case truncatedFrame(Int)

    var description: String {
        switch self {
        case .notPcap(let magic): "not a pcap file (magic 0x\(String(magic, radix: 16)))"
        case .truncatedGlobalHeader(let count): "pcap global header cut short at \(count) bytes"
        case .truncatedRecord(let index, let offset): "pcap record \(index) cut short at offset \(offset)"
        case .unsupportedLinkType(let type): "link type \(type) is not Ethernet (1)"
        case .notIPv4(let etherType): "frame carries EtherType 0x\(String(etherType, radix: 16)), not IPv4"
        case .truncatedFrame(let count): "Ethernet frame of \(count) bytes is too short"
        }
    }
}

/// A capture file: its global header fields and its records, in file order.
struct PcapFile {
    /// LINKTYPE_ETHERNET, the only link type `ethernetFrames()` accepts.
    static let linkTypeEthernet: UInt32 = 1

    struct Record {
        var seconds: UInt32
        /// Microseconds, or nanoseconds when the file says so (`nanosecondTimestamps`).
        var fraction: UInt32
        var originalLength: Int
        var data: ArraySlice<UInt8>
    }

    var bigEndian: Bool
    var nanosecondTimestamps: Bool
    var versionMajor: UInt16
    var versionMinor: UInt16
    var snapLength: UInt32
    var linkType: UInt32
    var records: [Record]

    /// Parses a whole file; both byte orders, micro- and nanosecond magic numbers.
    init(bytes: [UInt8]) throws(PcapError) {
        guard bytes.count >= 24 else { throw .truncatedGlobalHeader(bytes.count) }
        let magicBE = Self.read32(bytes, 0, bigEndian: true)
        switch magicBE {
        case 0xA1B2_C3D4: (bigEndian, nanosecondTimestamps) = (true, false)
        case 0xA1B2_3C4D: (bigEndian, nanosecondTimestamps) = (true, true)
        case 0xD4C3_B2A1: (bigEndian, nanosecondTimestamps) = (false, false)
        case 0x4D3C_B2A1: (bigEndian, nanosecondTimestamps) = (false, true)
        default: throw .notPcap(magic: magicBE)
        }
        versionMajor = UInt16(truncatingIfNeeded: Self.read16(bytes, 4, bigEndian: bigEndian))
        versionMinor = UInt16(truncatingIfNeeded: Self.read16(bytes, 6, bigEndian: bigEndian))
        snapLength = Self.read32(bytes, 16, bigEndian: bigEndian)
        linkType = Self.read32(bytes, 20, bigEndian: bigEndian)

        var records: [Record] = []
        var offset = 24
        while offset < bytes.count {
            guard offset + 16 <= bytes.count else {
                throw .truncatedRecord(index: records.count, offset: offset)
            }
            let included = Int(Self.read32(bytes, offset + 8, bigEndian: bigEndian))
            let dataStart = offset + 16
            guard included <= bytes.count - dataStart else {
                throw .truncatedRecord(index: records.count, offset: offset)
            }
            records.append(
                Record(
                    seconds: Self.read32(bytes, offset, bigEndian: bigEndian),
                    fraction: Self.read32(bytes, offset + 4, bigEndian: bigEndian),
                    originalLength: Int(Self.read32(bytes, offset + 12, bigEndian: bigEndian)),
                    data: bytes[dataStart..<(dataStart + included)]))
            offset = dataStart + included
        }
        self.records = records
    }

    /// The frames as Ethernet, failing on any other link type.
    func ethernetFrames() throws(PcapError) -> [EthernetFrame] {
        guard linkType == Self.linkTypeEthernet else { throw .unsupportedLinkType(linkType) }
        var frames: [EthernetFrame] = []
        for record in records {
            frames.append(try EthernetFrame(record.data))
        }
        return frames
    }

    private static func read16(_ bytes: [UInt8], _ at: Int, bigEndian: Bool) -> UInt32 {
        bigEndian
            ? UInt32(bytes[at]) << 8 | UInt32(bytes[at + 1])
            : UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at])
    }

    private static func read32(_ bytes: [UInt8], _ at: Int, bigEndian: Bool) -> UInt32 {
        bigEndian
            ? read16(bytes, at, bigEndian: true) << 16 | read16(bytes, at + 2, bigEndian: true)
            : read16(bytes, at + 2, bigEndian: false) << 16 | read16(bytes, at, bigEndian: false)
    }
}

/// An Ethernet II frame, with one 802.1Q tag skipped if present.
struct EthernetFrame {
    var destination: [UInt8]
    var source: [UInt8]
    var etherType: UInt16
    /// Everything after the Ethernet header, padding included.
    var payload: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) throws(PcapError) {
        let start = bytes.startIndex
        guard bytes.count >= 14 else { throw .truncatedFrame(bytes.count) }
        destination = Array(bytes[start..<(start + 6)])
        source = Array(bytes[(start + 6)..<(start + 12)])
        var typeOffset = start + 12
        var type = UInt16(bytes[typeOffset]) << 8 | UInt16(bytes[typeOffset + 1])
        if type == 0x8100 {
            guard bytes.count >= 18 else { throw .truncatedFrame(bytes.count) }
            typeOffset += 4
            type = UInt16(bytes[typeOffset]) << 8 | UInt16(bytes[typeOffset + 1])
        }
        etherType = type
        payload = bytes[(typeOffset + 2)...]
    }

    /// The IPv4 packet this frame carries, as a raw IPv4 socket would see it (padding kept).
    func ipv4Packet() throws(PcapError) -> ArraySlice<UInt8> {
        guard etherType == 0x0800 else { throw .notIPv4(etherType: etherType) }
        return payload
    }
}
