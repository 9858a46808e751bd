/// Collects the errors and warnings of one configuration load, in the order found.
public struct Diagnostics: Sendable {
    public private(set) var all: [Diagnostic] = []

    public init() {}

    public var errors: [Diagnostic] { all.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { all.filter { $0.severity == .warning } }
    public var hasErrors: Bool { all.contains { $0.severity == .error } }

    public mutating func error(_ message: String, at location: SourceLocation) {
        all.append(Diagnostic(.error, at: location, message))
    }

    public mutating func warning(_ message: String, at location: SourceLocation) {
        all.append(Diagnostic(.warning, at: location, message))
    }

    public mutating func append(contentsOf diagnostics: [Diagnostic]) {
        all.append(contentsOf: diagnostics)
    }
}

/// Why a configuration was refused. Carries every diagnostic (warnings too) so callers can print
/// them all like a compiler does.
public enum ConfigError: Error, Sendable, CustomStringConvertible {
    case invalid([Diagnostic])
    case unreadable(path: String, reason: String)

    public var diagnostics: [Diagnostic] {
        switch self {
        case .invalid(let diagnostics): diagnostics
        case .unreadable(let path, let reason):
            [Diagnostic(.error, at: SourceLocation(file: path, line: 0, column: 0), reason)]
        }
    }

    public var description: String {
        switch self {
        case .invalid(let diagnostics):
            diagnostics.filter { $0.severity == .error }.map(\.description).joined(separator: "\n")
        case .unreadable(let path, let reason): "\(path): error: \(reason)"
        }
    }
}
