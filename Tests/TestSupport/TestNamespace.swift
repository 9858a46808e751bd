import Foundation
import Synchronization

/// A network namespace made by one test: unique name (pid + counter) so tests run in parallel,
/// loopback up, deleted by `delete()` on every path.
public struct TestNamespace: Sendable {
    public let name: String
    private static let counter = Atomic<Int>(0)

    public static func create(_ prefix: String = "katest") async throws -> TestNamespace {
        let name = "\(prefix)-\(getpid())-\(counter.add(1, ordering: .relaxed).newValue)"
        let made = try await run("/usr/sbin/ip", ["netns", "add", name])
        guard made.status == 0 else { throw BusStartError(message: "ip netns add \(name): \(made.stderr)") }
        _ = try await run("/usr/sbin/ip", ["-n", name, "link", "set", "lo", "up"])
        return TestNamespace(name: name)
    }

    /// `ip netns exec NAME` in front of a command line.
    public func exec(_ executable: String, _ arguments: [String]) -> (String, [String]) {
        ("/usr/sbin/ip", ["netns", "exec", name, executable] + arguments)
    }

    public func delete() async {
        _ = try? await run("/usr/sbin/ip", ["netns", "del", name])
    }
}
