/// A statement kept as written: a keyword keepalived knows that this model does not type (yet).
/// It prints back unchanged, so such options survive a load and a render.
public struct RawStatement: Hashable, Sendable, Codable, ConfigRenderable {
    public var keyword: String
    public var arguments: [String]
    /// The statements in braces, when the keyword opened a block.
    public var block: [RawStatement]?
    public var origin: Origin

    public init(keyword: String, arguments: [String] = [], block: [RawStatement]? = nil) {
        self.keyword = keyword
        self.arguments = arguments
        self.block = block
        self.origin = Origin()
    }

    public init(_ statement: Statement) {
        keyword = statement.name
        arguments = statement.arguments.map(\.text)
        block = statement.block?.map(RawStatement.init)
        origin = Origin(statement.location)
    }

    public func render(into writer: inout ConfigWriter) {
        if let block {
            writer.block([keyword] + arguments) { w in block.forEach { $0.render(into: &w) } }
        } else {
            writer.line([keyword] + arguments)
        }
    }
}

extension Statement {
    /// The one argument a keyword allows; extra words warn as keepalived's parser does.
    func single(_ diagnostics: inout Diagnostics, expected: String = "a value") -> Word? {
        guard let word = argument(0, &diagnostics, expected: expected) else { return nil }
        if arguments.count > 1 {
            diagnostics.warning("'\(name)' takes one value, extra words ignored", at: arguments[1].location)
        }
        return word
    }

    /// `keyword [on|off]`-style flag whose bare form means true.
    func flag(_ diagnostics: inout Diagnostics) -> Bool? { boolean(&diagnostics) }

    /// Every word of a name-list block such as `group { VI_1 VI_2 }`, however it was split
    /// into lines: each line's keyword and arguments are all names.
    func listWords(_ diagnostics: inout Diagnostics) -> [Word] {
        requireBlock(&diagnostics).flatMap { [$0.keyword] + $0.arguments }
    }
}
