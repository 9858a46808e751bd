/// Where a block or list item of the model was written, and where each of its keywords was.
///
/// Locations are never part of equality or hashing: a configuration printed and read back must
/// compare equal to the original even though every line moved.
public struct Origin: Hashable, Sendable, Codable {
    /// The keyword that opened the block or the first word of the list item.
    public var location: SourceLocation?
    /// The location of each keyword seen inside the block, by keyword (the last one wins).
    public var keywords: [String: SourceLocation]

    public init(_ location: SourceLocation? = nil, keywords: [String: SourceLocation] = [:]) {
        self.location = location
        self.keywords = keywords
    }

    /// Where `keyword` was written in this block, or the block itself when it was not.
    public subscript(keyword: String) -> SourceLocation? {
        keywords[keyword] ?? location
    }

    public mutating func record(_ word: Word) {
        keywords[word.text] = word.location
    }

    public static func == (lhs: Origin, rhs: Origin) -> Bool { true }
    public func hash(into hasher: inout Hasher) {}
}
