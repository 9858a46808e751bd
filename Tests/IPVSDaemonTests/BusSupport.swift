import DBus
import Foundation
import KeepaliveTestSupport

/// Waits for the next element of a signal stream, failing (not hanging) after a generous bound.
func next<S: AsyncSequence & Sendable>(_ stream: S, within seconds: Int = 20) async throws -> S.Element
where S.Element: Sendable {
    try await withThrowingTaskGroup(of: S.Element?.self) { group in
        group.addTask {
            var iterator = stream.makeAsyncIterator()
            return try await iterator.next()
        }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let element = first else { throw NoSignal() }
        return element
    }
}

struct NoSignal: Error, CustomStringConvertible {
    var description: String { "the expected signal never came" }
}

/// An interface file shipped in `dbus/`.
func shippedXML(_ interface: String) throws -> String {
    try String(contentsOfFile: "\(Repository.dbusDirectory)/\(interface).xml", encoding: .utf8)
}

/// Polls `condition` until it holds (a bound, not a timing assertion).
func eventually(_ condition: @Sendable () async throws -> Bool) async throws -> Bool {
    for _ in 0..<200 {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return false
}
