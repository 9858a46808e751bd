import Glibc
import Testing

@testable import KeepalivedConfig

@Suite("Syntax: include")
struct SyntaxIncludeTests {
    @Test func includesAreRelativeToTheIncludingFileAndSplicedInPlace() throws {
        let scratch = try ScratchDirectory()
        let main = try scratch.write(
            "keepalived.conf",
            """
            global_defs {
                include conf.d/globals.conf
            }
            include conf.d/*.vrrp
            last
            """)
        try scratch.write("conf.d/globals.conf", "router_id r1\ninclude sub/more.conf\n")
        try scratch.write("conf.d/sub/more.conf", "  enable_script_security\n")
        try scratch.write("conf.d/b.vrrp", "vrrp_instance B {\n}\n")
        try scratch.write("conf.d/a.vrrp", "vrrp_instance A {\n state MASTER\n}\n")
        let parsed = try SyntaxReader(configID: "n").read(file: main)
        #expect(
            SyntaxTest.shape(parsed.statements)
                == "global_defs { router_id r1; enable_script_security }; vrrp_instance A { state MASTER }; vrrp_instance B {}; last"
        )
        let words = SyntaxTest.words(parsed.statements)
        let security = try #require(words.first { $0.text == "enable_script_security" })
        #expect(security.location.description == scratch.path + "/conf.d/sub/more.conf:1:3")
        let state = try #require(words.first { $0.text == "MASTER" })
        #expect(state.location.description == scratch.path + "/conf.d/a.vrrp:2:8")
    }

    /// A FIFO or a device matched by an include would block or never end: refused, not read.
    @Test func anIncludeThatIsNotARegularFileIsRefusedWithoutBlocking() throws {
        let scratch = try ScratchDirectory()
        #expect(mkfifo(scratch.path + "/pipe.conf", 0o600) == 0)
        let main = try scratch.write("main.conf", "a\ninclude pipe.conf\ninclude /dev/zero\nb\n")
        let diagnostics: [Diagnostic]
        do {
            diagnostics = try SyntaxReader(configID: "n").read(file: main).diagnostics
        } catch {
            diagnostics = error.diagnostics
        }
        let refusals = diagnostics.filter { $0.message.contains("is not a regular file") }
        #expect(refusals.count == 2)
        #expect(refusals.allSatisfy { $0.severity == .error })
    }

    @Test func braceExpressionsAndCharacterClasses() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("x1.conf", "x1\n")
        try scratch.write("x2.conf", "x2\n")
        try scratch.write("y.conf", "y\n")
        let main = try scratch.write("main.conf", "include {y,x[2]}.conf # comment\n")
        #expect(SyntaxTest.shape(try SyntaxReader(configID: "n").read(file: main).statements) == "y; x2")
    }

    @Test func aPatternMatchingNothingWarnsButAMissingFileIsAnError() throws {
        let scratch = try ScratchDirectory()
        let main = try scratch.write("main.conf", "a\ninclude none/*.conf\nb\ninclude d*\n")
        try scratch.write("dir/x.conf", "x\n")
        let parsed = try SyntaxReader(configID: "n").read(file: main)
        #expect(SyntaxTest.shape(parsed.statements) == "a; b")
        #expect(parsed.diagnostics.map(\.severity) == [.warning, .warning])
        #expect(parsed.diagnostics.last?.message.contains("is a directory") == true)

        let broken = try scratch.write("broken.conf", "a\n  include missing.conf\n")
        let errors = SyntaxTest.errors { () throws(ConfigError) -> ParsedSyntax in
            try SyntaxReader(configID: "n").read(file: broken)
        }
        #expect(errors.count == 1)
        #expect(errors.first?.location.description == broken + ":2:11")
        #expect(errors.first?.message.contains("missing include file") == true)
    }

    @Test func anIncludeLoopIsOneErrorAtTheIncludeThatClosesIt() throws {
        let scratch = try ScratchDirectory()
        let main = try scratch.write("main.conf", "a\ninclude sub/one.conf\n")
        try scratch.write("sub/one.conf", "b\ninclude ../main.conf\n")
        let errors = SyntaxTest.errors { () throws(ConfigError) -> ParsedSyntax in
            try SyntaxReader(configID: "n").read(file: main)
        }
        #expect(errors.count == 1)
        #expect(errors.first?.location.description == scratch.path + "/sub/one.conf:2:9")
        #expect(errors.first?.message.contains("include loop") == true)
    }

    @Test func includesNestAtMost32Deep() throws {
        let scratch = try ScratchDirectory()
        for level in 0..<40 { try scratch.write("f\(level).conf", "s\(level)\ninclude f\(level + 1).conf\n") }
        try scratch.write("f40.conf", "end\n")
        let errors = SyntaxTest.errors { () throws(ConfigError) -> ParsedSyntax in
            try SyntaxReader(configID: "n").read(file: scratch.path + "/f0.conf")
        }
        #expect(errors.count == 1)
        #expect(errors.first?.location.description == scratch.path + "/f31.conf:2:9")
        #expect(errors.first?.message.contains("nested more than 32") == true)
    }

    @Test func theSameFileMayBeIncludedTwiceOneAfterTheOther() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("vip.conf", "10.0.0.1\n")
        let main = try scratch.write("main.conf", "a {\ninclude vip.conf\n}\nb {\ninclude vip.conf\n}\n")
        #expect(
            SyntaxTest.shape(try SyntaxReader(configID: "n").read(file: main).statements)
                == "a { 10.0.0.1 }; b { 10.0.0.1 }")
    }

    @Test func includeAfterAConditionalOrFromAParameter() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("part.conf", "part\n")
        let main = try scratch.write(
            "main.conf", "@n include part.conf\n@other include part.conf\n$INC=include part.conf\n$INC\n")
        #expect(SyntaxTest.shape(try SyntaxReader(configID: "n").read(file: main).statements) == "part; part")
    }

    @Test func anUnreadableMainFileIsReported() throws {
        let scratch = try ScratchDirectory()
        #expect(throws: ConfigError.self) { try SyntaxReader().read(file: scratch.path + "/absent.conf") }
        #expect(throws: ConfigError.self) { try SyntaxReader().read(file: scratch.path) }
    }

    @Test func parametersCrossFilesAndPointAtTheirUseInTheIncludedFile() throws {
        let scratch = try ScratchDirectory()
        let main = try scratch.write("main.conf", "$VIP=10.0.0.9/24 dev eth1\ninclude part.conf\nafter $DEF\n")
        try scratch.write("part.conf", "vips {\n    $VIP\n}\n$DEF=from_part\n")
        let parsed = try SyntaxReader(configID: "n").read(file: main)
        #expect(SyntaxTest.shape(parsed.statements) == "vips { 10.0.0.9/24 dev eth1 }; after from_part")
        let words = SyntaxTest.words(parsed.statements)
        #expect(words[1...3].map(\.location.description) == Array(repeating: scratch.path + "/part.conf:2:5", count: 3))
        #expect(words[5].location.description == main + ":3:7")
    }
}
