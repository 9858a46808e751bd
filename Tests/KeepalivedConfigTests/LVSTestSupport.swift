import Foundation
import Testing

@testable import KeepalivedConfig

/// Reads LVS test text into a configuration. Until the syntax reader is in, this uses a small
/// line tokenizer of its own (words, quotes, `!`/`#` comments, braces) that builds the same
/// `Statement` values the syntax reader produces; once `ConfigLoader` returns statements, the
/// loader's own reading takes over.
enum LVSText {
    static let samples = "/usr/share/doc/keepalived/samples"

    /// The model and every diagnostic found reading `text`.
    static func read(_ text: String, file: String = "test.conf") -> (KeepalivedConfiguration, Diagnostics) {
        var diagnostics = Diagnostics()
        let configuration = KeepalivedConfiguration(statements: statements(text, file: file), diagnostics: &diagnostics)
        return (configuration, diagnostics)
    }

    /// Reads `text` and records an issue for every error, so a test of good input fails loudly.
    static func model(_ text: String, file: String = "test.conf") -> KeepalivedConfiguration {
        let (configuration, diagnostics) = read(text, file: file)
        for error in diagnostics.errors { Issue.record("unexpected \(error)") }
        return configuration
    }

    /// Reads one of keepalived's sample files.
    static func sample(_ name: String) throws -> KeepalivedConfiguration {
        let path = "\(samples)/\(name)"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return model(text, file: path)
    }

    /// Statements of `text`: the real syntax reader's when it yields any, else the local tokenizer's.
    static func statements(_ text: String, file: String) -> [Statement] {
        if let parsed = try? SyntaxReader().read(text: text, file: file), !parsed.statements.isEmpty {
            return parsed.statements
        }
        var tokens = tokenize(text, file: file)[...]
        return parseStatements(&tokens, closing: false)
    }

    /// One token: a word, `{` or `}` (unquoted), with the line it was on.
    struct Token {
        var word: Word
        var line: Int
        var isOpen: Bool { !word.quoted && word.text == "{" }
        var isClose: Bool { !word.quoted && word.text == "}" }
    }

    static func tokenize(_ text: String, file: String) -> [Token] {
        var tokens: [Token] = []
        for (lineIndex, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let characters = Array(line)
            var index = 0
            while index < characters.count {
                let character = characters[index]
                let location = SourceLocation(file: file, line: lineIndex + 1, column: index + 1)
                if character == " " || character == "\t" || character == "\r" {
                    index += 1
                } else if character == "!" || character == "#" {
                    break
                } else if character == "{" || character == "}" {
                    tokens.append(Token(word: Word(String(character), at: location), line: lineIndex + 1))
                    index += 1
                } else if character == "\"" {
                    var text = ""
                    index += 1
                    while index < characters.count, characters[index] != "\"" {
                        if characters[index] == "\\", index + 1 < characters.count { index += 1 }
                        text.append(characters[index])
                        index += 1
                    }
                    index += 1
                    tokens.append(Token(word: Word(text, at: location, quoted: true), line: lineIndex + 1))
                } else {
                    var text = ""
                    while index < characters.count, !" \t\r{}!#\"".contains(characters[index]) {
                        text.append(characters[index])
                        index += 1
                    }
                    tokens.append(Token(word: Word(text, at: location), line: lineIndex + 1))
                }
            }
        }
        return tokens
    }

    /// A statement is a keyword and the words after it on its line, then an optional block.
    static func parseStatements(_ tokens: inout ArraySlice<Token>, closing: Bool) -> [Statement] {
        var statements: [Statement] = []
        while let token = tokens.first {
            if token.isClose {
                tokens.removeFirst()
                if closing { return statements }
                continue
            }
            tokens.removeFirst()
            if token.isOpen { continue }
            var statement = Statement(keyword: token.word)
            while let next = tokens.first, next.line == token.line, !next.isOpen, !next.isClose {
                statement.arguments.append(next.word)
                tokens.removeFirst()
            }
            if let next = tokens.first, next.isOpen {
                tokens.removeFirst()
                statement.block = parseStatements(&tokens, closing: true)
            }
            statements.append(statement)
        }
        return statements
    }

    /// The configuration printed and read back.
    static func reprinted(_ configuration: KeepalivedConfiguration) -> KeepalivedConfiguration {
        model(configuration.rendered, file: "reprinted.conf")
    }
}

extension HealthChecker {
    var tcp: ConnectCheck? { if case .tcp(let check) = self { check } else { nil } }
    var http: HTTPCheck? {
        switch self {
        case .httpGet(let check), .sslGet(let check): check
        default: nil
        }
    }
    var smtp: SMTPCheck? { if case .smtp(let check) = self { check } else { nil } }
    var misc: MiscCheck? { if case .misc(let check) = self { check } else { nil } }
    var udp: UDPCheck? { if case .udp(let check) = self { check } else { nil } }
    var dns: DNSCheck? { if case .dns(let check) = self { check } else { nil } }
    var file: FileCheck? { if case .file(let check) = self { check } else { nil } }
}
