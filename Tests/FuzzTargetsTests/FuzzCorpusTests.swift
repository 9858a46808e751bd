import DBus
import Foundation
import FuzzTargets
import KeepalivedConfig
import Testing
import VRRP

/// Every input under Tests/FuzzCorpus (seeds, and crashes fuzzing found, kept as regressions)
/// runs through its target in this process: a crash or a broken round trip fails the run.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("FuzzCorpus")

    static func inputs(_ target: FuzzTarget) throws -> [(name: String, bytes: [UInt8])] {
        let directory = corpus.appendingPathComponent(target.rawValue)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        return try names.map { name in
            (name, Array(try Data(contentsOf: directory.appendingPathComponent(name))))
        }
    }

    @Test(arguments: FuzzTarget.allCases)
    func everyCorpusInputRunsToTheEnd(_ target: FuzzTarget) throws {
        let inputs = try Self.inputs(target)
        #expect(!inputs.isEmpty, "no corpus for \(target.rawValue)")
        for input in inputs { target.run(input.bytes) }
    }

    /// The seeds are worth something only if they reach past the first checks.
    @Test func goldenAdvertSeedsDecode() throws {
        let golden = try Self.inputs(.vrrpAdvert).filter { $0.name.hasPrefix("golden-") }
        #expect(golden.count >= 10)
        for input in golden {
            #expect(throws: Never.self, "\(input.name)") { try ReceivedVRRPAdvert(ipv4Packet: input.bytes) }
        }
    }

    @Test func dbusSeedsDecodeToTheirSignature() throws {
        let seeds = try Self.inputs(.dbusArguments)
        let byName = Dictionary(uniqueKeysWithValues: seeds.map { ($0.name, $0.bytes) })
        let priority = try DBusWireMessage(decoding: try #require(byName["set-priority.bin"]))
        #expect(priority.member == "SetPriority")
        #expect(priority.arguments == [.byte(200)])
        let nested = try DBusWireMessage(decoding: try #require(byName["nested.bin"]))
        #expect(nested.signature == "a{sv}a(yqiuxtdsog)as")
        #expect(nested.arguments.map(\.signature).joined() == nested.signature)
    }

    @Test func configSeedsLoad() throws {
        for input in try Self.inputs(.config) {
            let text = String(decoding: input.bytes, as: UTF8.self)
            #expect(throws: Never.self, "\(input.name)") {
                _ = try ConfigLoader(configID: "fuzz").load(text: text, file: input.name)
            }
        }
    }

    @Test func truncatedMessagesAreRefusedNotCrashed() throws {
        let seed = try #require(try Self.inputs(.dbusArguments).first { $0.name == "nested.bin" })
        for length in 0..<seed.bytes.count {
            #expect(throws: DBusError.self) { try DBusWireMessage(decoding: Array(seed.bytes.prefix(length))) }
        }
    }
}
