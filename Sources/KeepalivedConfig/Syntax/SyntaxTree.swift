/// Where a piece of configuration text came from: `file:line:column`, 1-based.
public struct SourceLocation: Hashable, Sendable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// One word of a statement after macro, conditional and sequence expansion.
/// `{` and `}` never appear here: they become `Statement.block`.
public struct Word: Hashable, Sendable, Codable, CustomStringConvertible {
    public var text: String
    public var location: SourceLocation
    /// True when the word was written in double quotes (so `"{"` stays a word).
    public var quoted: Bool

    public init(_ text: String, at location: SourceLocation, quoted: Bool = false) {
        self.text = text
        self.location = location
        self.quoted = quoted
    }

    public var description: String { text }
}

/// One keyword line of keepalived.conf, with its arguments and its `{ ... }` block if it has one.
/// `vrrp_instance VI_1 { state MASTER }` is keyword `vrrp_instance`, arguments `[VI_1]`,
/// block `[state MASTER]`.
public struct Statement: Hashable, Sendable, Codable {
    public var keyword: Word
    public var arguments: [Word]
    /// nil when the statement has no braces; an empty array for `{}`.
    public var block: [Statement]?

    public init(keyword: Word, arguments: [Word] = [], block: [Statement]? = nil) {
        self.keyword = keyword
        self.arguments = arguments
        self.block = block
    }

    public var location: SourceLocation { keyword.location }
}

/// A problem found while reading a configuration. Errors refuse the file; warnings do not.
public struct Diagnostic: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Codable { case error, warning }

    public var severity: Severity
    public var location: SourceLocation
    public var message: String

    public init(_ severity: Severity, at location: SourceLocation, _ message: String) {
        self.severity = severity
        self.location = location
        self.message = message
    }

    /// Compiler style, so editors and people can jump to it: `file:line:column: error: message`.
    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}
