/// The statements of a file after includes, macros, conditionals and sequences, plus warnings.
public struct ParsedSyntax: Sendable {
    public var statements: [Statement]
    /// Warnings only: any error makes `SyntaxReader.read` throw instead.
    public var diagnostics: [Diagnostic]

    public init(statements: [Statement], diagnostics: [Diagnostic]) {
        self.statements = statements
        self.diagnostics = diagnostics
    }
}

/// Reads keepalived.conf text into statements: the grammar of keepalived 2.2.7 (comments, quotes,
/// blocks, `include` globs, `$NAME` parameters, `@id` conditionals, `~SEQ` / `~LST`).
/// Every word keeps where it was written, even when it came out of a parameter or a repetition.
public struct SyntaxReader: Sendable {
    /// Selects `@id` lines; nil means the host name up to its first dot, as keepalived does.
    public var configID: String?

    public init(configID: String? = nil) {
        self.configID = configID
    }

    public func read(file path: String) throws(ConfigError) -> ParsedSyntax {
        switch SourceFiles.contents(of: path) {
        case .success(let bytes):
            return try read(bytes, name: path, realPath: SourceFiles.realPath(path))
        case .failure(.failed(let reason)):
            throw .unreadable(path: path, reason: "cannot read configuration file: \(reason)")
        }
    }

    /// Reads `text` as if it were the file `file` (which names it in locations and anchors its
    /// relative includes).
    public func read(text: String, file: String) throws(ConfigError) -> ParsedSyntax {
        try read(Array(text.utf8), name: file, realPath: SourceFiles.realPath(file))
    }

    private func read(_ bytes: [UInt8], name: String, realPath: String?) throws(ConfigError) -> ParsedSyntax {
        var preprocessor = Preprocessor(configID: configID ?? SourceFiles.shortHostName())
        preprocessor.read(bytes, name: name, realPath: realPath)
        let statements = preprocessor.finish()
        let diagnostics = preprocessor.diagnostics
        if diagnostics.contains(where: { $0.severity == .error }) { throw .invalid(diagnostics) }
        return ParsedSyntax(statements: statements, diagnostics: diagnostics)
    }
}
