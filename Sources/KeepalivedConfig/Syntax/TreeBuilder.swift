/// Builds the statement tree from the lexer's words and braces. A newline ends a statement; `{`
/// opens the block of the statement before it, whether on the same line or on a line of its own;
/// `}` closes the innermost block and whatever follows it on the line is a new statement.
struct TreeBuilder {
    /// A block being read: the statement that owns it (nil for the file's top level) and the
    /// statements read so far.
    private struct Frame {
        var owner: Statement?
        var opening: SourceLocation?
        var statements: [Statement] = []
    }

    private var frames: [Frame] = [Frame(owner: nil, opening: nil)]
    private var keyword: Word?
    private var arguments: [Word] = []
    /// True while the last statement of the innermost block ended at a newline, so a `{` alone on
    /// the next line may still open its block.
    private var lastStatementMayTakeBlock = false

    mutating func word(_ word: Word) {
        if keyword == nil {
            keyword = word
        } else {
            arguments.append(word)
        }
    }

    /// keepalived nests five levels at most; far deeper is garbage, and a tree that deep would
    /// exhaust the stack of whoever walks or frees it.
    static let maximumDepth = 100

    mutating func open(at location: SourceLocation, _ diagnostics: inout [Diagnostic]) {
        if frames.count > Self.maximumDepth {
            if frames[frames.count - 1].owner != nil {
                diagnostics.append(
                    Diagnostic(.error, at: location, "blocks nested more than \(Self.maximumDepth) deep"))
            }
            // Keep counting braces, but drop what is inside.
            keyword = nil
            arguments = []
            frames.append(Frame(owner: nil, opening: nil))
        } else if let keyword {
            frames.append(Frame(owner: Statement(keyword: keyword, arguments: arguments), opening: location))
            self.keyword = nil
            arguments = []
        } else if lastStatementMayTakeBlock, let owner = frames[frames.count - 1].statements.popLast() {
            frames.append(Frame(owner: owner, opening: location))
        } else {
            diagnostics.append(Diagnostic(.error, at: location, "unexpected '{': expected a keyword before it"))
            // Read the block anyway so its '}' does not close the enclosing one.
            frames.append(Frame(owner: nil, opening: location))
        }
        lastStatementMayTakeBlock = false
    }

    mutating func close(at location: SourceLocation, _ diagnostics: inout [Diagnostic]) {
        flushStatement(mayTakeBlock: false)
        guard frames.count > 1 else {
            diagnostics.append(Diagnostic(.error, at: location, "unexpected '}': no block is open"))
            return
        }
        let frame = frames.removeLast()
        if var owner = frame.owner {
            owner.block = frame.statements
            frames[frames.count - 1].statements.append(owner)
        }
        lastStatementMayTakeBlock = false
    }

    mutating func endOfLine() {
        flushStatement(mayTakeBlock: true)
    }

    /// The top-level statements; every block still open is an error at its `{`.
    mutating func finish(_ diagnostics: inout [Diagnostic]) -> [Statement] {
        flushStatement(mayTakeBlock: false)
        while frames.count > 1 {
            let frame = frames.removeLast()
            let name = frame.owner.map { "'\($0.keyword.text)'" } ?? "this"
            if let opening = frame.opening {
                diagnostics.append(
                    Diagnostic(
                        .error, at: opening,
                        "the block of \(name) is never closed: expected '}' before the end of the configuration"))
            }
            if var owner = frame.owner {
                owner.block = frame.statements
                frames[frames.count - 1].statements.append(owner)
            }
        }
        return frames[0].statements
    }

    private mutating func flushStatement(mayTakeBlock: Bool) {
        guard let keyword else { return }
        frames[frames.count - 1].statements.append(Statement(keyword: keyword, arguments: arguments))
        self.keyword = nil
        arguments = []
        lastStatementMayTakeBlock = mayTakeBlock
    }
}
