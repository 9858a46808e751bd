/// One line of configuration text on its way from a file to the lexer.
///
/// A line read straight from a file keeps sharing the file's bytes (`columns == nil`, the column
/// is the offset in the line). A line rebuilt by macro or sequence expansion carries the original
/// column of every byte, so each word still points where it, or the macro use, was written.
struct SourceLine {
    var bytes: [UInt8]
    var range: Range<Int>
    /// Where the physical line starts in `bytes`: columns count from here.
    var lineStart: Int
    /// The 1-based column of each byte from `lineStart`, or nil when the bytes are the file's own.
    var columns: [Int32]?
    var file: String
    var line: Int

    init(bytes: [UInt8], range: Range<Int>, columns: [Int32]? = nil, file: String, line: Int) {
        self.bytes = bytes
        self.range = range
        self.lineStart = range.lowerBound
        self.columns = columns
        self.file = file
        self.line = line
    }

    /// The column of the byte at `index`; past the end, one more than the last byte's.
    func column(at index: Int) -> Int {
        let offset = index - lineStart
        guard let columns else { return offset + 1 }
        if offset < columns.count { return Int(columns[offset]) }
        return (columns.last.map { Int($0) } ?? 0) + 1
    }

    func location(at index: Int) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column(at: index))
    }

    /// The same line from `index` on; columns stay the original ones.
    func dropping(to index: Int) -> SourceLine {
        var copy = self
        copy.range = min(max(index, range.lowerBound), range.upperBound)..<range.upperBound
        return copy
    }

    /// Index of the first byte at or after `index` that is not blank.
    func skippingBlanks(from index: Int) -> Int {
        var i = index
        while i < range.upperBound, Byte.isBlank(bytes[i]) { i += 1 }
        return i
    }

    /// Narrows the line to end before its comment (an unquoted `#` or `!`) and trailing blanks.
    mutating func stripCommentAndTrailingBlanks() {
        var i = range.lowerBound
        var quoted = false
        var end = range.upperBound
        while i < range.upperBound {
            let byte = bytes[i]
            if byte == Byte.quote {
                quoted.toggle()
            } else if !quoted, byte == Byte.hash || byte == Byte.bang {
                end = i
                break
            }
            i += 1
        }
        while end > range.lowerBound, Byte.isBlank(bytes[end - 1]) { end -= 1 }
        range = range.lowerBound..<end
    }

    func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    func starts(with prefix: StaticString, at index: Int) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard index + count <= range.upperBound else { return false }
        return prefix.withUTF8Buffer { buffer in
            for offset in 0..<count where bytes[index + offset] != buffer[offset] { return false }
            return true
        }
    }
}

/// The bytes keepalived's grammar gives a meaning to.
enum Byte {
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let quote = UInt8(ascii: "\"")
    static let hash = UInt8(ascii: "#")
    static let bang = UInt8(ascii: "!")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let dollar = UInt8(ascii: "$")
    static let at = UInt8(ascii: "@")
    static let caret = UInt8(ascii: "^")
    static let tilde = UInt8(ascii: "~")
    static let equals = UInt8(ascii: "=")
    static let backslash = UInt8(ascii: "\\")
    static let openParen = UInt8(ascii: "(")
    static let closeParen = UInt8(ascii: ")")
    static let comma = UInt8(ascii: ",")

    /// Space, tab, carriage return (CRLF files), vertical tab and form feed, as isspace() minus `\n`.
    @inline(__always)
    static func isBlank(_ byte: UInt8) -> Bool {
        byte == space || byte == tab || byte == carriageReturn || byte == 0x0B || byte == 0x0C
    }

    /// Parameter names are `[A-Za-z_][A-Za-z0-9_]*`.
    @inline(__always)
    static func isNameStart(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
    }

    @inline(__always)
    static func isNameContinuation(_ byte: UInt8) -> Bool {
        isNameStart(byte) || (byte >= 0x30 && byte <= 0x39)
    }
}
