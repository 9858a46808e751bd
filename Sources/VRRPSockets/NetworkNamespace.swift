import CLinux
import Glibc

/// Runs code inside a named network namespace (`ip netns add NAME`) on the current thread.
///
/// A socket stays in the namespace it was created in, so entering just long enough to create
/// and configure one is enough. The body is synchronous: no suspension point can move the task
/// to another thread, or let another task run on this one, while it is switched.
public enum NetworkNamespace {
    /// Enters `/run/netns/<name>` (or `name` itself when it is a path), runs `body`, and goes
    /// back to the thread's original namespace, on every path.
    public static func withEntered<Result: ~Copyable, Failure: Error>(
        _ name: String, _ body: () throws(Failure) -> Result
    ) throws -> Result {
        let path = name.contains("/") ? name : "/run/netns/\(name)"
        let target = clinux_open_readonly(path)
        guard target >= 0 else { throw VRRPSocketError.lastError("open(\(path))") }
        defer { _ = close(target) }
        let original = clinux_open_readonly("/proc/thread-self/ns/net")
        guard original >= 0 else { throw VRRPSocketError.lastError("open(/proc/thread-self/ns/net)") }
        defer { _ = close(original) }

        guard clinux_setns_net(target) == 0 else { throw VRRPSocketError.lastError("setns(\(path))") }
        defer {
            // Holding an fd of the original namespace, going back cannot fail for want of
            // rights; if it ever did, this pooled thread would silently work in the wrong
            // namespace from now on, which is worse than stopping.
            if clinux_setns_net(original) != 0 {
                fatalError("cannot return to the original network namespace: \(errorText(errno))")
            }
        }
        return try body()
    }
}
