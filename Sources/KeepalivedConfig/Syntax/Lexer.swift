/// Splits one line into words and braces as keepalived 2.2.7 does: blanks separate words; `{` and
/// `}` are tokens of their own even inside a word; `#` or `!` starts a comment anywhere outside
/// quotes; a double quote starts a word that runs to the next double quote, keeping blanks, braces
/// and comment characters. There are no escapes: keepalived reads `"a\"b"` as `a\` and then an
/// unterminated quote, so the lexer does the same.
enum Lexer {
    static func lex(_ line: SourceLine, into builder: inout TreeBuilder, _ diagnostics: inout [Diagnostic]) {
        line.bytes.withUnsafeBufferPointer { bytes in
            let end = line.range.upperBound
            var i = line.range.lowerBound
            func text(_ range: Range<Int>) -> String {
                String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
            }
            scan: while i < end {
                let byte = bytes[i]
                switch byte {
                case Byte.space, Byte.tab, Byte.carriageReturn, 0x0B, 0x0C:
                    i += 1
                case Byte.hash, Byte.bang:
                    break scan
                case Byte.openBrace:
                    builder.open(at: line.location(at: i), &diagnostics)
                    i += 1
                case Byte.closeBrace:
                    builder.close(at: line.location(at: i), &diagnostics)
                    i += 1
                case Byte.quote:
                    var close = i + 1
                    while close < end, bytes[close] != Byte.quote { close += 1 }
                    if close == end {
                        diagnostics.append(
                            Diagnostic(
                                .error, at: line.location(at: i),
                                "unterminated quoted string: expected a closing '\"' before the end of the line"))
                    }
                    builder.word(Word(text(i + 1..<close), at: line.location(at: i), quoted: true))
                    i = min(close + 1, end)
                default:
                    let start = i
                    i += 1
                    while i < end, !endsWord(bytes[i]) { i += 1 }
                    builder.word(Word(text(start..<i), at: line.location(at: start)))
                }
            }
        }
        builder.endOfLine()
    }

    @inline(__always)
    static func endsWord(_ byte: UInt8) -> Bool {
        switch byte {
        case Byte.space, Byte.tab, Byte.carriageReturn, 0x0B, 0x0C, Byte.quote, Byte.hash, Byte.bang,
            Byte.openBrace, Byte.closeBrace:
            true
        default:
            false
        }
    }
}
