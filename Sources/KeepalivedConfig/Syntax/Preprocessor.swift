/// Turns files into the lines the lexer reads, doing what keepalived does to each line first:
/// comments, `@id` / `@^id` conditionals, `$NAME=value` definitions (multi-line with a trailing
/// `\`), `~SEQ` / `~LST` repetition, parameter substitution and `include`.
///
/// Plain lines, by far the most, go straight from the file's bytes to the lexer.
struct Preprocessor {
    /// What a line needs to know about the file it was read from.
    struct FileContext {
        /// The path as shown in locations and used to resolve relative includes.
        var name: String
        /// The absolute directory of the file: the value of `${_PWD}`.
        var absoluteDirectory: String
    }

    static let maximumIncludeDepth = 32
    static let maximumExpansionDepth = 64
    static let maximumExpandedLines = 10_000_000

    private(set) var builder = TreeBuilder()
    var diagnostics: [Diagnostic] = []
    private var parameters: Parameters
    /// Real paths of the files being read, outermost first, to refuse include loops.
    private var openFiles: [String] = []
    private var expandedLines = 0
    /// Set when an expansion ran away: the rest of that line's expansion is dropped.
    private var abandonLine = false
    /// Undefined-parameter errors already reported: a repetition must not repeat them.
    private var reportedUndefined: Set<Diagnostic> = []

    init(configID: String) {
        parameters = Parameters(configID: configID)
    }

    mutating func finish() -> [Statement] {
        builder.finish(&diagnostics)
    }

    /// Reads a whole file. `realPath` (when the file exists on disk) guards against include loops.
    mutating func read(_ bytes: [UInt8], name: String, realPath: String?) {
        let directory = SourceFiles.directory(of: realPath ?? SourceFiles.join(SourceFiles.currentDirectory(), name))
        let context = FileContext(name: name, absoluteDirectory: directory)
        if let realPath { openFiles.append(realPath) }
        defer { if realPath != nil { openFiles.removeLast() } }

        var definition: (name: String, lines: [[UInt8]])?
        var start = 0
        var number = 0
        let count = bytes.count
        while start < count {
            var end = start
            var plain = true
            while end < count {
                let byte = bytes[end]
                if byte == Byte.newline { break }
                if byte == Byte.dollar { plain = false }
                end += 1
            }
            number += 1
            let line = SourceLine(bytes: bytes, range: start..<end, file: name, line: number)
            start = end + 1
            if let open = definition {
                definition = continueDefinition(open, with: line)
                continue
            }
            if plain, isPlain(line) {
                Lexer.lex(line, into: &builder, &diagnostics)
                continue
            }
            abandonLine = false
            if let opened = process(line, context, depth: 0, substituted: false) {
                definition = opened
            }
        }
        if let definition { parameters.define(definition.name, lines: definition.lines) }
    }

    /// True when the line cannot be a conditional, definition, repetition or include (the caller
    /// has already seen that it holds no `$`).
    private func isPlain(_ line: SourceLine) -> Bool {
        let first = line.skippingBlanks(from: line.range.lowerBound)
        guard first < line.range.upperBound else { return true }
        switch line.bytes[first] {
        case Byte.at, Byte.tilde: return false
        case UInt8(ascii: "i"): return !line.starts(with: "include", at: first)
        default: return true
        }
    }

    /// One more line of a multi-line definition; returns nil once the definition is complete.
    private mutating func continueDefinition(
        _ definition: (name: String, lines: [[UInt8]]), with line: SourceLine
    ) -> (name: String, lines: [[UInt8]])? {
        var line = line
        line.stripCommentAndTrailingBlanks()
        var open = definition
        let continues = line.range.last.map { line.bytes[$0] == Byte.backslash } ?? false
        let text = line.skippingBlanks(from: line.range.lowerBound)..<(line.range.upperBound - (continues ? 1 : 0))
        if !text.isEmpty { open.lines.append(Self.trimmed(line.bytes, text)) }
        if continues { return open }
        parameters.define(open.name, lines: open.lines)
        return nil
    }

    /// Runs one line through the preprocessor and on to the lexer. Returns a multi-line definition
    /// that the next lines of the file continue.
    @discardableResult
    private mutating func process(
        _ line: SourceLine, _ context: FileContext, depth: Int, substituted: Bool
    ) -> (name: String, lines: [[UInt8]])? {
        guard !abandonLine else { return nil }
        expandedLines += 1
        guard depth <= Self.maximumExpansionDepth, expandedLines <= Self.maximumExpandedLines else {
            diagnostics.append(
                Diagnostic(
                    .error, at: line.location(at: line.range.lowerBound),
                    depth > Self.maximumExpansionDepth
                        ? "expansion nested too deeply: is a parameter defined in terms of itself?"
                        : "expansion produces more than \(Self.maximumExpandedLines) lines"))
            abandonLine = true
            return nil
        }
        var line = line
        if !substituted { line.stripCommentAndTrailingBlanks() }
        var i = line.skippingBlanks(from: line.range.lowerBound)
        let end = line.range.upperBound
        guard i < end else { return nil }

        // @id / @^id: the line applies only on the node whose config id is (not) `id`.
        while i < end, line.bytes[i] == Byte.at {
            let negated = i + 1 < end && line.bytes[i + 1] == Byte.caret
            let idStart = i + (negated ? 2 : 1)
            var idEnd = idStart
            while idEnd < end, !Byte.isBlank(line.bytes[idEnd]) { idEnd += 1 }
            let matches = line.bytes[idStart..<idEnd].elementsEqual(parameters.configID.utf8)
            guard matches != negated else { return nil }
            i = line.skippingBlanks(from: idEnd)
        }
        guard i < end else { return nil }

        if !substituted, line.bytes[i] == Byte.dollar, let opened = define(line, at: i) {
            return opened.name.isEmpty ? nil : opened
        }
        if line.bytes[i] == Byte.tilde {
            let known = parameters
            let directory = context.absoluteDirectory
            let resolve = { (name: String) -> String? in
                known.value(of: name, arguments: [], directory: directory)?.first.map {
                    String(decoding: $0, as: UTF8.self)
                }
            }
            switch Repetition.parse(line.bytes, at: i, end: end, resolve: resolve) {
            case .success(let (repetition, after)):
                let rest = line.dropping(to: after)
                for row in repetition.rows where !abandonLine {
                    for (variable, value) in zip(repetition.variables, row) {
                        parameters.define(variable, value: value)
                    }
                    process(rest, context, depth: depth + 1, substituted: false)
                }
                return nil
            case .failure(.invalid(let reason)):
                diagnostics.append(Diagnostic(.error, at: line.location(at: i), "invalid repetition: \(reason)"))
                return nil
            case .failure(.notRepetition):
                break
            }
        }
        if !substituted, line.bytes[i..<end].contains(Byte.dollar) {
            let directory = context.absoluteDirectory
            var undefined: [Diagnostic] = []
            switch Substitution.apply(
                to: line.dropping(to: i), parameters: parameters, directory: directory, &diagnostics,
                undefined: &undefined)
            {
            case .unchanged:
                report(undefined)
            case .line(let expanded):
                // A parameter that expands to `~SEQ(v, ...) ... $v` names the sequence's variable:
                // the rest of the line is substituted again once `v` is set.
                if !Self.isRepetition(expanded) { report(undefined) }
                process(expanded, context, depth: depth + 1, substituted: true)
                return nil
            case .lines(let expanded):
                // Every line is substituted again, and reports what is still undefined then.
                for expandedLine in expanded {
                    process(expandedLine, context, depth: depth + 1, substituted: false)
                }
                return nil
            }
        }
        if let patternStart = includePattern(line, at: i) {
            var rest = line.dropping(to: patternStart)
            rest.stripCommentAndTrailingBlanks()
            include(rest, from: context)
            return nil
        }
        Lexer.lex(line.dropping(to: i), into: &builder, &diagnostics)
        return nil
    }

    private mutating func report(_ undefined: [Diagnostic]) {
        for diagnostic in undefined where reportedUndefined.insert(diagnostic).inserted {
            diagnostics.append(diagnostic)
        }
    }

    /// True when the line, after any conditionals, starts with `~SEQ(`, `~SEQx(` or `~LST(`.
    private static func isRepetition(_ line: SourceLine) -> Bool {
        var i = line.skippingBlanks(from: line.range.lowerBound)
        while i < line.range.upperBound, line.bytes[i] == Byte.at {
            while i < line.range.upperBound, !Byte.isBlank(line.bytes[i]) { i += 1 }
            i = line.skippingBlanks(from: i)
        }
        return line.starts(with: "~SEQ(", at: i) || line.starts(with: "~SEQx(", at: i)
            || line.starts(with: "~LST(", at: i)
    }

    /// `$NAME=value` at `start`: defines it, or opens a multi-line definition when the value ends
    /// with `\` (returned with its name). Returns nil when the line is not a definition, and an
    /// empty name when a one-line definition was made.
    private mutating func define(_ line: SourceLine, at start: Int) -> (name: String, lines: [[UInt8]])? {
        let bytes = line.bytes
        let end = line.range.upperBound
        var i = start + 1
        guard i < end, Byte.isNameStart(bytes[i]) else { return nil }
        while i < end, Byte.isNameContinuation(bytes[i]) { i += 1 }
        guard i < end, bytes[i] == Byte.equals else { return nil }
        let name = line.text(start + 1..<i)
        var value = (i + 1)..<end
        if let last = value.last, bytes[last] == Byte.backslash {
            value = value.lowerBound..<last
            let first = Self.trimmed(bytes, value)
            return (name, first.isEmpty ? [] : [first])
        }
        parameters.define(name, lines: [Self.trimmed(bytes, value)])
        return ("", [])
    }

    /// Where the path starts when the line is `include PATH` (or keepalived's includer, includem,
    /// includew, includeb, includea, includet variants, which read the same here).
    private func includePattern(_ line: SourceLine, at start: Int) -> Int? {
        guard line.starts(with: "include", at: start) else { return nil }
        var i = start + 7
        let end = line.range.upperBound
        if i < end, "rmwbat".utf8.contains(line.bytes[i]) { i += 1 }
        guard i < end, Byte.isBlank(line.bytes[i]) else { return nil }
        return line.skippingBlanks(from: i)
    }

    private mutating func include(_ path: SourceLine, from context: FileContext) {
        let location = path.location(at: path.range.lowerBound)
        var pattern = path.text(path.range)
        if pattern.count >= 2, pattern.hasPrefix("\""), pattern.hasSuffix("\"") {
            pattern = String(pattern.dropFirst().dropLast())
        }
        guard !pattern.isEmpty else {
            diagnostics.append(Diagnostic(.error, at: location, "'include' expects a file name or pattern"))
            return
        }
        let resolved = SourceFiles.join(SourceFiles.directory(of: context.name), pattern)
        let matches: [String]
        switch SourceFiles.glob(resolved) {
        case .success(let found): matches = found
        case .failure(.failed(let reason)):
            diagnostics.append(
                Diagnostic(.error, at: location, "cannot expand include pattern '\(pattern)': \(reason)"))
            return
        }
        let wildcards = SourceFiles.hasWildcards(pattern)
        if matches.isEmpty {
            if wildcards {
                diagnostics.append(Diagnostic(.warning, at: location, "include pattern '\(pattern)' matches no file"))
            } else {
                diagnostics.append(Diagnostic(.error, at: location, "missing include file '\(resolved)'"))
            }
            return
        }
        for match in matches {
            if wildcards, SourceFiles.isDirectory(match) {
                diagnostics.append(Diagnostic(.warning, at: location, "include: '\(match)' is a directory, skipped"))
                continue
            }
            let realPath = SourceFiles.realPath(match) ?? match
            if openFiles.contains(realPath) {
                diagnostics.append(
                    Diagnostic(.error, at: location, "include loop: '\(match)' is already being read"))
                continue
            }
            guard openFiles.count < Self.maximumIncludeDepth else {
                diagnostics.append(
                    Diagnostic(.error, at: location, "includes nested more than \(Self.maximumIncludeDepth) deep"))
                return
            }
            switch SourceFiles.contents(of: match, regularFileOnly: true) {
            case .success(let bytes):
                let saved = abandonLine
                read(bytes, name: match, realPath: realPath)
                abandonLine = saved
            case .failure(.failed(let reason)):
                diagnostics.append(Diagnostic(.error, at: location, "cannot read include file '\(match)': \(reason)"))
            }
        }
    }

    private static func trimmed(_ bytes: [UInt8], _ range: Range<Int>) -> [UInt8] {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, Byte.isBlank(bytes[lower]) { lower += 1 }
        while upper > lower, Byte.isBlank(bytes[upper - 1]) { upper -= 1 }
        return Array(bytes[lower..<upper])
    }
}
