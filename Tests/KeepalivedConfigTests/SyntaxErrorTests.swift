import Testing

@testable import KeepalivedConfig

@Suite("Syntax: errors and robustness")
struct SyntaxErrorTests {
    @Test func anUnclosedBlockIsOneErrorAtItsBrace() {
        let errors = SyntaxTest.errors(
            "global_defs {\n}\nvrrp_instance VI_1 {\n  state MASTER\n  vips {\n  }\n", file: "e.conf")
        #expect(errors.count == 1)
        #expect(errors.first?.location.description == "e.conf:3:20")
        #expect(errors.first?.message.contains("'vrrp_instance' is never closed") == true)
    }

    @Test func aStrayClosingBraceIsOneError() {
        let errors = SyntaxTest.errors("a {\n b\n}\n}\nc\n", file: "e.conf")
        #expect(errors.count == 1)
        #expect(errors.first?.location.description == "e.conf:4:1")
        #expect(errors.first?.message.contains("unexpected '}'") == true)
    }

    @Test func aBraceWithoutAKeywordIsOneError() {
        let errors = SyntaxTest.errors("a { }\n{\n b\n}\n", file: "e.conf")
        #expect(errors.count == 1)
        #expect(errors.first?.location.description == "e.conf:2:1")
    }

    @Test func anUnterminatedQuoteIsOneErrorAtTheQuote() {
        let errors = SyntaxTest.errors("a {\n script \"/bin/true\n}\n", file: "e.conf")
        #expect(errors.count == 1)
        #expect(errors.first?.location.description == "e.conf:2:9")
        #expect(errors.first?.message.contains("unterminated") == true)
    }

    @Test func everyErrorIsReportedNotJustTheFirst() {
        let errors = SyntaxTest.errors("a $X\nb \"open\nc ${Y}\n}\n", file: "e.conf")
        #expect(errors.map(\.location.description) == ["e.conf:1:3", "e.conf:2:3", "e.conf:3:3", "e.conf:4:1"])
    }

    @Test func errorsInsideAnIncludedFileNameThatFile() throws {
        let scratch = try ScratchDirectory()
        let main = try scratch.write("main.conf", "a {\ninclude inner.conf\n}\n")
        try scratch.write("inner.conf", "x \"open\n")
        let errors = SyntaxTest.errors { () throws(ConfigError) -> ParsedSyntax in
            try SyntaxReader(configID: "n").read(file: main)
        }
        #expect(errors.map(\.location.description) == [scratch.path + "/inner.conf:1:3"])
    }

    @Test(arguments: try samples())
    func everyKeepalivedSampleReads(_ path: String) throws {
        let parsed = try SyntaxReader(configID: "sample").read(file: path)
        #expect(!parsed.statements.isEmpty)
        #expect(parsed.diagnostics.isEmpty)
    }

    static func samples() throws -> [String] {
        let directory = "/usr/share/doc/keepalived/samples"
        guard let names = try? FileManagerShim.contents(of: directory) else { return [] }
        return names.filter { $0.hasPrefix("keepalived.conf") }.sorted().map { directory + "/" + $0 }
    }

    @Test func absurdNestingIsRefusedWithoutExhaustingTheStack() {
        let text = String(repeating: "a {\n", count: 200_000) + String(repeating: "}\n", count: 200_000)
        let errors = SyntaxTest.errors(text, file: "deep.conf")
        #expect(errors.count == 1)
        #expect(errors.first?.location.description == "deep.conf:101:3")
    }

    @Test func seededRandomBytesNeverCrash() {
        var generator = SplitMix64(seed: 0x6b65_6570)
        let alphabet = Array("ab $@~{}\"#!\\\n\t=(),.^01xSEQLST_".utf8) + [0, 0xff, 0xc3]
        for round in 0..<2000 {
            let length = Int(generator.next() % 200)
            var bytes: [UInt8] = []
            for _ in 0..<length {
                let pick = generator.next()
                bytes.append(
                    pick % 4 == 0 ? UInt8(truncatingIfNeeded: pick >> 8) : alphabet[Int(pick >> 16) % alphabet.count])
            }
            let text = String(decoding: bytes, as: UTF8.self)
            // Either it reads or it is refused with located errors; it never traps or hangs.
            do {
                _ = try SyntaxReader(configID: "x").read(text: text, file: "fuzz\(round).conf")
            } catch {
                #expect(!error.diagnostics.isEmpty)
            }
        }
    }
}

/// A small deterministic generator so the garbage is the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
