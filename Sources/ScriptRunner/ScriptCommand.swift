/// A program and its arguments, split from a `script`/`notify_*`/`misc_path` line the way
/// keepalived splits it: words separated by whitespace, `'…'` and `"…"` keep their spaces, and
/// no shell is involved unless the program itself is one (`/bin/sh -c 'a | b'`).
public struct ScriptCommand: Sendable, Hashable, CustomStringConvertible {
    /// The program as written: an absolute path, or a bare name keepalived would look up in PATH.
    public var program: String
    /// The arguments after the program, unquoted.
    public var arguments: [String]

    public init(program: String, arguments: [String] = []) {
        self.program = program
        self.arguments = arguments
    }

    /// Splits configuration text (outer config quotes already removed, e.g. `/bin/notify.sh "a b" c`).
    public init(parsing text: String) throws(ScriptCommandError) {
        let words = try Self.split(text)
        guard let first = words.first else { throw .empty }
        guard !first.isEmpty else { throw .emptyProgram }
        self.init(program: first, arguments: Array(words.dropFirst()))
    }

    /// `argv` as the program receives it: the program, then the arguments.
    public var argv: [String] { [program] + arguments }

    /// True when the program is an absolute path (the only kind `enable_script_security` runs).
    public var isAbsolute: Bool { program.hasPrefix("/") }

    /// The same command with more arguments appended (keepalived's `notify` adds four).
    public func appending(_ extra: [String]) -> ScriptCommand {
        ScriptCommand(program: program, arguments: arguments + extra)
    }

    /// The command quoted so that parsing it again gives the same words.
    public var description: String {
        argv.map(Self.quoted).joined(separator: " ")
    }

    private static func quoted(_ word: String) -> String {
        let plain = !word.isEmpty && word.allSatisfy { !$0.isWhitespace && !"'\"\\".contains($0) }
        if plain { return word }
        if !word.contains("'") { return "'\(word)'" }
        var out = "\""
        for character in word {
            if character == "\"" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out + "\""
    }

    /// The splitter: a small state machine over characters; `column` is 1-based for errors.
    static func split(_ text: String) throws(ScriptCommandError) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: (character: Character, column: Int)?
        var escapeColumn: Int?
        for (offset, character) in text.enumerated() {
            let column = offset + 1
            if escapeColumn != nil {
                current.append(character)
                escapeColumn = nil
                continue
            }
            if let open = quote {
                if character == open.character {
                    quote = nil
                } else if character == "\\" && open.character == "\"" {
                    escapeColumn = column
                } else {
                    current.append(character)
                }
                continue
            }
            switch character {
            case "'", "\"":
                quote = (character, column)
                inWord = true
            case "\\":
                escapeColumn = column
                inWord = true
            case _ where character.isWhitespace:
                if inWord { words.append(current) }
                current = ""
                inWord = false
            default:
                current.append(character)
                inWord = true
            }
        }
        if let column = escapeColumn { throw .danglingEscape(column: column) }
        if let open = quote { throw .unterminatedQuote(quote: open.character, column: open.column) }
        if inWord { words.append(current) }
        return words
    }
}

/// Why a script line could not be split.
public enum ScriptCommandError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Nothing but whitespace.
    case empty
    /// The first word is an empty quoted string (`'' arg`).
    case emptyProgram
    /// A `'` or `"` opened at `column` (1-based) is never closed.
    case unterminatedQuote(quote: Character, column: Int)
    /// The text ends with a lone backslash at `column`.
    case danglingEscape(column: Int)

    public var description: String {
        switch self {
        case .empty: "script is empty"
        case .emptyProgram: "script program name is empty"
        case .unterminatedQuote(let quote, let column): "unterminated \(quote) quote opened at column \(column)"
        case .danglingEscape(let column): "backslash at column \(column) escapes nothing"
        }
    }
}
