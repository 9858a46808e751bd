/// Replaces `$NAME` (followed by a blank or the end of the line) and `${NAME}` (anywhere) in one
/// line, as keepalived does before it splits the line into words.
///
/// A single-line value is substituted recursively in place. A multi-line value splits the line:
/// the text before the use joins the value's first line, the text after it joins the last, and
/// every resulting line goes back through the whole preprocessor (it may hold definitions,
/// conditionals or more parameters). Every byte that came from a value gets the column of the `$`
/// that was written in the file.
///
/// An undefined parameter stays as written, as in keepalived. Outside quotes the caller reports it
/// as an error (`undefined`) unless the line turns out to be a `~SEQ`/`~LST` whose variables it
/// names; inside double quotes it is left alone, so shell variables in scripts such as
/// `"kill -0 $PID"` keep working.
struct Substitution {
    enum Result {
        case unchanged
        case line(SourceLine)
        case lines([SourceLine])
    }

    static let maximumDepth = 32
    static let maximumLength = 1 << 16

    private let parameters: Parameters
    private let directory: String
    private let source: SourceLine
    /// The source line's column map, kept apart so the per-byte loop touches no struct copies.
    private let sourceColumns: [Int32]
    private let sourceColumnsAreOffsets: Bool
    private let sourceLineStart: Int
    private var output: [UInt8] = []
    private var columns: [Int32] = []
    private var finishedLines: [([UInt8], [Int32])] = []
    private var quoted = false
    private var changed = false
    private var failed = false
    private(set) var diagnostics: [Diagnostic] = []
    /// Errors for undefined parameters outside quotes, for the caller to report or drop.
    private(set) var undefined: [Diagnostic] = []

    private init(parameters: Parameters, directory: String, source: SourceLine) {
        self.parameters = parameters
        self.directory = directory
        self.source = source
        sourceColumns = source.columns ?? []
        sourceColumnsAreOffsets = source.columns == nil
        sourceLineStart = source.lineStart
        output.reserveCapacity(source.range.count + 32)
        columns.reserveCapacity(source.range.count + 32)
    }

    /// Substitutes `line`; `directory` is the value of `${_PWD}`. Errors for undefined parameters
    /// outside quotes go to `undefined`, everything else to `diagnostics`.
    static func apply(
        to line: SourceLine, parameters: Parameters, directory: String,
        _ diagnostics: inout [Diagnostic], undefined: inout [Diagnostic]
    ) -> Result {
        var substitution = Substitution(parameters: parameters, directory: directory, source: line)
        substitution.scan(line.bytes, line.range, fixedColumn: nil, depth: 0)
        diagnostics += substitution.diagnostics
        undefined += substitution.undefined
        return substitution.result()
    }

    private func result() -> Result {
        guard changed else { return .unchanged }
        func makeLine(_ bytes: [UInt8], _ columns: [Int32]) -> SourceLine {
            SourceLine(bytes: bytes, range: 0..<bytes.count, columns: columns, file: source.file, line: source.line)
        }
        if finishedLines.isEmpty { return .line(makeLine(output, columns)) }
        return .lines(finishedLines.map { makeLine($0.0, $0.1) } + [makeLine(output, columns)])
    }

    /// Copies `bytes[range]` to the output, replacing parameter uses. Bytes of the source line keep
    /// their own columns; bytes of a value all get `fixedColumn`.
    private mutating func scan(_ bytes: [UInt8], _ range: Range<Int>, fixedColumn: Int32?, depth: Int) {
        var i = range.lowerBound
        let end = range.upperBound
        while i < end, !failed {
            let byte = bytes[i]
            let column = fixedColumn ?? sourceColumn(i)
            guard output.count <= Self.maximumLength else {
                let location = SourceLocation(file: source.file, line: source.line, column: Int(column))
                diagnostics.append(
                    Diagnostic(.error, at: location, "parameter substitution makes a line longer than 64 KiB"))
                failed = true
                return
            }
            if byte == Byte.quote { quoted.toggle() }
            guard byte == Byte.dollar, i + 1 < end, let use = parameterUse(bytes, at: i, end: end) else {
                append(byte, column)
                i += 1
                continue
            }
            var location: SourceLocation { SourceLocation(file: source.file, line: source.line, column: Int(column)) }
            if let lines = parameters.value(of: use.name, arguments: bytes[use.arguments], directory: directory) {
                changed = true
                expand(lines, name: use.name, column: column, depth: depth)
            } else {
                if quoted, use.braced {
                    diagnostics.append(
                        Diagnostic(
                            .warning, at: location,
                            "parameter '\(use.name)' is not defined; '${\(use.name)}' is kept as written"))
                } else if !quoted {
                    undefined.append(
                        Diagnostic(
                            .error, at: location,
                            "undefined parameter '\(use.name)': expected a '$\(use.name)=value' definition before this use"
                        ))
                }
                for j in i..<use.end { append(bytes[j], fixedColumn ?? sourceColumn(j)) }
            }
            i = use.end
        }
    }

    private mutating func expand(
        _ lines: [[UInt8]], name: String, column: Int32, depth: Int
    ) {
        guard depth < Self.maximumDepth else {
            let location = SourceLocation(file: source.file, line: source.line, column: Int(column))
            diagnostics.append(
                Diagnostic(
                    .error, at: location, "parameter '\(name)' expands too deeply: is it defined in terms of itself?"))
            failed = true
            return
        }
        if lines.count == 1 {
            scan(lines[0], 0..<lines[0].count, fixedColumn: column, depth: depth + 1)
        } else {
            // Multi-line: kept as written; each line is preprocessed again by the caller.
            for (index, line) in lines.enumerated() {
                if index > 0 {
                    finishedLines.append((output, columns))
                    output = []
                    columns = []
                    quoted = false
                }
                for byte in line { append(byte, column) }
            }
        }
    }

    @inline(__always)
    private func sourceColumn(_ index: Int) -> Int32 {
        let offset = index - sourceLineStart
        if sourceColumnsAreOffsets { return Int32(truncatingIfNeeded: offset + 1) }
        return offset < sourceColumns.count ? sourceColumns[offset] : (sourceColumns.last ?? 0) + 1
    }

    @inline(__always)
    private mutating func append(_ byte: UInt8, _ column: Int32) {
        output.append(byte)
        columns.append(column)
    }

    /// `$NAME` followed by a blank or the end, or `${NAME ARGS}`; nil when the `$` is just text.
    private func parameterUse(
        _ bytes: [UInt8], at dollar: Int, end: Int
    ) -> (name: String, arguments: Range<Int>, end: Int, braced: Bool)? {
        var i = dollar + 1
        if bytes[i] == Byte.openBrace {
            i += 1
            let nameStart = i
            while i < end, bytes[i] != Byte.closeBrace, !Byte.isBlank(bytes[i]) { i += 1 }
            let nameEnd = i
            while i < end, bytes[i] != Byte.closeBrace { i += 1 }
            guard i < end, nameEnd > nameStart else { return nil }
            let name = String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self)
            return (name, nameEnd..<i, i + 1, true)
        }
        guard Byte.isNameStart(bytes[i]) else { return nil }
        let nameStart = i
        while i < end, Byte.isNameContinuation(bytes[i]) { i += 1 }
        guard i == end || Byte.isBlank(bytes[i]) else { return nil }
        return (String(decoding: bytes[nameStart..<i], as: UTF8.self), i..<i, i, false)
    }
}
