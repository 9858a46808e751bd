import Foundation
import Testing

@testable import KeepalivedConfig

/// Helpers shared by the Syntax*Tests: read text, show statements compactly, collect errors, and
/// a scratch directory of real files for includes.
enum SyntaxTest {
    static func read(_ text: String, id: String = "main", file: String = "test.conf") throws -> ParsedSyntax {
        try SyntaxReader(configID: id).read(text: text, file: file)
    }

    /// `keyword arg "quoted" { child; child }; next`.
    static func shape(_ statements: [Statement]) -> String {
        statements.map { statement in
            let words = ([statement.keyword] + statement.arguments).map { $0.quoted ? "\"\($0.text)\"" : $0.text }
            var text = words.joined(separator: " ")
            if let block = statement.block { text += block.isEmpty ? " {}" : " { \(shape(block)) }" }
            return text
        }.joined(separator: "; ")
    }

    static func shape(_ text: String, id: String = "main") throws -> String {
        shape(try read(text, id: id).statements)
    }

    /// The error diagnostics a text is refused with (empty when it reads).
    static func errors(_ text: String, id: String = "main", file: String = "test.conf") -> [Diagnostic] {
        errors { () throws(ConfigError) -> ParsedSyntax in try SyntaxReader(configID: id).read(text: text, file: file) }
    }

    static func errors(_ body: () throws(ConfigError) -> ParsedSyntax) -> [Diagnostic] {
        do {
            _ = try body()
            return []
        } catch {
            return error.diagnostics.filter { $0.severity == .error }
        }
    }

    /// All words of the tree in order, depth first.
    static func words(_ statements: [Statement]) -> [Word] {
        statements.flatMap { [$0.keyword] + $0.arguments + words($0.block ?? []) }
    }
}

/// A fresh directory under the system temp directory, removed when the test ends.
final class ScratchDirectory {
    let path: String

    init() throws {
        let base = NSTemporaryDirectory() + "syntax-test-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        path = base
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes `text` to `name` (relative to the directory, creating subdirectories); returns the path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let full = path + "/" + name
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: full, atomically: true, encoding: .utf8)
        return full
    }
}

enum FileManagerShim {
    static func contents(of directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory)
    }
}
