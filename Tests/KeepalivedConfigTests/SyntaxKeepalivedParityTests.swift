import Foundation
import Testing

@testable import KeepalivedConfig

/// Differential tests against Debian's keepalived 2.2.7: the same text goes through `keepalived -t`
/// and through SyntaxReader, and both must see the same statements. Every snippet sits inside
/// `global_defs`, where keepalived reports each statement it does not know as
/// `(Line N) Unknown keyword 'WORD'`, which shows how it split and expanded the line.
@Suite("Syntax: same reading as keepalived -t")
struct SyntaxKeepalivedParityTests {
    static let keepalived = "/usr/sbin/keepalived"

    static let snippets: [String] = [
        // Comments anywhere outside quotes.
        "a1 # c\na2! c\n\"a3#x\" y\na4#b\n\"a5!\"",
        // Quotes split words and keep blanks; there are no escapes.
        "aa\"b c\"d x\n\"x y\"z\n\"\"\n\"tab\\there\" s\n'q r' s",
        // Parameters: $NAME before a blank or the end, ${NAME} anywhere, recursive, at use time.
        "$X=val\nk1$X\n${X}z\n\"${X} $X\"\n  $W=w\n$W\n$B=10.${S}\n$S=1\n${B}.5\n$S=2\n${B}.6",
        "$C=c ! d\n$C\n$E=\nk4$E\nk5${E}k\n$IF_MAIN=@main\n$IF_MAIN k9\n$IF_B=@backup\n$IF_B k10",
        // Conditionals for config id `main`.
        "@main k5\n@^main k6\n@other k7\n@^other k8\n  @main k9\n@main\n@mainx k10",
        // Sequences and lists.
        "~SEQ(i,1,3) k$i\n~SEQ(i2,3) q$i2\n~SEQ(j, 5, -2, 1) r${j}x\n~SEQx(h,9,3,15) h${h}\n~SEQ(n,-2) n$n\n~SEQ(z,3,1) z$z",
        "~SEQ(n,0) n$n\n~SEQ(o, 010) o$o\n~SEQ(a,1,2) ~LST(b,x,y) p${a}${b}\n~LST({A, B}, {1,2},{3,4}) m${A}_${B}",
        // Parameters inside a repetition's specification, and a parameter holding a repetition.
        "$N=3\n$S=~SEQ(k,1,2) s$k\n~SEQ(i,1,${N}) a$i\n~SEQ(j,1,$N) b$j\n$S",
        // Multi-line definitions: each line is preprocessed again where the parameter is used.
        "$M= \\\n m1 a \\\n @main m2 \\\n @other m3 \\\n $N=7 \\\n m4$N\nbefore\n$M\nafter",
        "$P=\\\n p1\n$Q= \\\n q1 $P \\\n q2\n$Q\nx $P",
    ]

    @Test(
        .enabled(if: FileManager.default.isExecutableFile(atPath: keepalived), "needs Debian's keepalived"),
        arguments: snippets.indices)
    func readsLikeKeepalived(_ index: Int) throws {
        let scratch = try ScratchDirectory()
        let text = "global_defs {\n" + Self.snippets[index] + "\n}\n"
        let path = try scratch.write("parity.conf", text)

        let ours = try #require(try SyntaxReader(configID: "main").read(file: path).statements.first?.block)
        let oursSeen = ours.map { "\($0.keyword.location.line):\($0.keyword.text)" }
        let theirs = try Self.unknownKeywords(path)
        #expect(!theirs.isEmpty)
        #expect(oursSeen == theirs, "\(text)")
    }

    /// `line:word` for every `(Line N) Unknown keyword 'word'` keepalived reports.
    static func unknownKeywords(_ path: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: keepalived)
        process.arguments = ["-t", "-i", "main", "-f", path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self)
        return output.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("(Line "), let close = line.firstIndex(of: ")") else { return nil }
            let number = line[line.index(line.startIndex, offsetBy: 6)..<close]
            let marker = ") Unknown keyword '"
            guard let range = line.range(of: marker), line.hasSuffix("'") else { return nil }
            return "\(number):\(line[range.upperBound..<line.index(before: line.endIndex)])"
        }
    }
}
