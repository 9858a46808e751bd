// TEMPORARY scaffolding for the syntax helper: replace with the real reader (delete this file).
/// The statements of a file after includes, macros, conditionals and sequences, plus warnings.
public struct ParsedSyntax: Sendable {
    public var statements: [Statement]
    public var diagnostics: [Diagnostic]
}
public struct SyntaxReader: Sendable {
    public var configID: String?
    public init(configID: String? = nil) { self.configID = configID }
    public func read(file path: String) throws(ConfigError) -> ParsedSyntax { ParsedSyntax(statements: [], diagnostics: []) }
    public func read(text: String, file: String) throws(ConfigError) -> ParsedSyntax { ParsedSyntax(statements: [], diagnostics: []) }
}
