/// Prints the model back as keepalived.conf text, indented by block, with words quoted only
/// where keepalived's lexer would otherwise split or strip them.
public struct ConfigWriter: Sendable {
    public private(set) var text = ""
    private var depth = 0

    public init() {}

    /// One statement line: each word is quoted when it must be.
    public mutating func line(_ words: [String]) {
        text += String(repeating: "    ", count: depth)
        text += words.map(Self.quoted).joined(separator: " ")
        text += "\n"
    }

    public mutating func line(_ words: String...) { line(words) }

    /// `keyword args... {`, the body one level in, then `}`.
    public mutating func block(_ words: [String], body: (inout ConfigWriter) -> Void) {
        text += String(repeating: "    ", count: depth)
        text += (words.map(Self.quoted) + ["{"]).joined(separator: " ")
        text += "\n"
        depth += 1
        body(&self)
        depth -= 1
        text += String(repeating: "    ", count: depth) + "}\n"
    }

    public mutating func block(_ words: String..., body: (inout ConfigWriter) -> Void) {
        block(words, body: body)
    }

    /// Writes `keyword value` only when the value is set.
    public mutating func option<T>(_ keyword: String, _ value: T?) {
        guard let value else { return }
        if let number = value as? Double {
            line(keyword, number.formatted)
        } else {
            line(keyword, "\(value)")
        }
    }

    /// Writes a bare keyword only when the flag is on.
    public mutating func flag(_ keyword: String, _ on: Bool) {
        if on { line(keyword) }
    }

    /// The word as keepalived's lexer reads it back: in double quotes when it is empty, holds a
    /// blank, a brace, a comment character or a `$`, or starts like a conditional (`@`) or a
    /// repetition (`~`). keepalived has no escapes, so a word cannot hold a double quote or a
    /// newline: those become `'` and a space (the quote keepalived's script splitter also knows).
    static func quoted(_ word: String) -> String {
        let special: Set<Character> = [" ", "\t", "\r", "{", "}", "!", "#", "$", "\"", "\n"]
        let needsQuotes =
            word.isEmpty || word.contains(where: special.contains) || word.hasPrefix("@") || word.hasPrefix("~")
        guard needsQuotes else { return word }
        let writable = word.replacingAll("\"", with: "'").replacingAll("\n", with: " ")
        return "\"\(writable)\""
    }
}

/// A part of the model that can print itself as keepalived.conf text.
public protocol ConfigRenderable {
    func render(into writer: inout ConfigWriter)
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        result.reserveCapacity(count)
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
