import Foundation
import KeepalivedConfig

/// Colours for a person at a terminal, plain text for scripts and pipes.
struct TerminalStyle {
    let colour: Bool
    let handle: FileHandle

    static var standardError: TerminalStyle {
        TerminalStyle(
            colour: isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil,
            handle: .standardError)
    }

    func print(_ diagnostic: Diagnostic) {
        var severity = diagnostic.severity.rawValue
        if colour {
            severity =
                diagnostic.severity == .error ? "\u{1B}[1;31m\(severity)\u{1B}[0m" : "\u{1B}[1;35m\(severity)\u{1B}[0m"
        }
        handle.write(Data("\(diagnostic.location): \(severity): \(diagnostic.message)\n".utf8))
    }
}
