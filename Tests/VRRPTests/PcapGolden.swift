// Test support: the adverts captured from keepalived 2.2.7 (shared/golden/vrrp-v2-v3.pcap)
// and the per-frame field list written beside them.

import Foundation
import Testing

@testable import VRRP

/// One line of vrrp-v2-v3.index.txt: the fields tcpdump showed for one frame.
struct GoldenIndexRow {
    var frame: Int
    var source: String
    var ttl: UInt8
    var version: UInt8
    var type: UInt8
    var vrid: UInt8
    var priority: UInt8
    var count: Int
    /// nil for VRRPv3 ("-").
    var authType: UInt8?
    /// VRRPv2 interval in seconds; nil for VRRPv3.
    var advertIntervalSeconds: UInt16?
    /// VRRPv3 interval in centiseconds; nil for VRRPv2.
    var maxAdvertIntervalCentiseconds: UInt16?
    var checksum: UInt16
    /// 1 when the capture tool found the checksum right.
    var checksumStatus: Int
    var addresses: [String]
    /// nil when "-".
    var authString: String?

    /// Parses one whitespace-separated line; nil with a recorded issue when malformed.
    init?(line: Substring) {
        let columns = line.split(whereSeparator: \.isWhitespace).map(String.init)
        guard columns.count == 16,
            let frame = Int(columns[0]), let ttl = UInt8(columns[3]), let version = UInt8(columns[4]),
            let type = UInt8(columns[5]), let vrid = UInt8(columns[6]), let priority = UInt8(columns[7]),
            let count = Int(columns[8]), columns[12].hasPrefix("0x"),
            let checksum = UInt16(columns[12].dropFirst(2), radix: 16), let status = Int(columns[13])
        else { return nil }
        func optional<T: LosslessStringConvertible>(_ text: String) -> T? { text == "-" ? nil : T(text) }
        self.frame = frame
        self.source = columns[2]
        self.ttl = ttl
        self.version = version
        self.type = type
        self.vrid = vrid
        self.priority = priority
        self.count = count
        self.authType = optional(columns[9])
        self.advertIntervalSeconds = optional(columns[10])
        self.maxAdvertIntervalCentiseconds = optional(columns[11])
        self.checksum = checksum
        self.checksumStatus = status
        self.addresses = columns[14].split(separator: ",").map(String.init)
        self.authString = optional(columns[15])
    }
}

/// The golden capture and its index, loaded once per test that needs them.
struct GoldenCapture {
    var frames: [EthernetFrame]
    var rows: [GoldenIndexRow]

    /// Each frame's IPv4 packet with its index row.
    var packets: [(row: GoldenIndexRow, packet: [UInt8])] {
        get throws {
            try zip(rows, frames).map { row, frame in (row, Array(try frame.ipv4Packet())) }
        }
    }

    /// The golden directory: `$KEEPALIVE_GOLDEN_DIR`, else `shared/golden` beside the repository
    /// root or beside one of its parents (CI clones the repo with `shared/` next to it).
    static func locate(filePath: String = #filePath) -> URL? {
        func holdsCapture(_ candidate: URL) -> Bool {
            FileManager.default.fileExists(atPath: candidate.appendingPathComponent("vrrp-v2-v3.pcap").path)
        }
        if let override = ProcessInfo.processInfo.environment["KEEPALIVE_GOLDEN_DIR"] {
            let candidate = URL(fileURLWithPath: override)
            return holdsCapture(candidate) ? candidate : nil
        }
        var directory = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("shared/golden")
            if holdsCapture(candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }

    static func load(sourceLocation: SourceLocation = #_sourceLocation) throws -> GoldenCapture {
        let directory = try #require(
            locate(),
            """
            golden files not found: expected shared/golden/vrrp-v2-v3.pcap beside the repository \
            (<repo>/../shared/golden) or KEEPALIVE_GOLDEN_DIR set
            """,
            sourceLocation: sourceLocation)
        let pcapBytes = try [UInt8](Data(contentsOf: directory.appendingPathComponent("vrrp-v2-v3.pcap")))
        let indexText = try String(
            contentsOf: directory.appendingPathComponent("vrrp-v2-v3.index.txt"), encoding: .utf8)
        var rows: [GoldenIndexRow] = []
        for line in indexText.split(separator: "\n") where !line.hasPrefix("#") && !line.isEmpty {
            rows.append(try #require(GoldenIndexRow(line: line), "malformed index line: \(line)"))
        }
        let frames = try PcapFile(bytes: pcapBytes).ethernetFrames()
        try #require(frames.count == rows.count, "pcap has \(frames.count) frames, index \(rows.count) rows")
        try #require(rows.map(\.frame) == Array(1...rows.count), "index rows are not frames 1...n in order")
        return GoldenCapture(frames: frames, rows: rows)
    }
}
