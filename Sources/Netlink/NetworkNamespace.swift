import CNetlink

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Runs code with the calling thread inside a named network namespace (`ip netns add NAME`).
///
/// A netlink socket belongs to the namespace it was created in, so only socket creation runs
/// here. The body is synchronous: no suspension point can move the work to another thread while
/// this thread is switched, and the original namespace is restored on every path.
enum NetworkNamespace {
    static func run<T>(in name: String?, _ body: () throws -> T) throws -> T {
        guard let name else { return try body() }
        guard !name.isEmpty, name != ".", name != "..", !name.contains("/") else {
            throw NetlinkError.invalidArgument("network namespace name \"\(name)\"")
        }
        let target = open("/run/netns/\(name)", O_RDONLY | O_CLOEXEC)
        guard target >= 0 else {
            let code = errno
            throw NetlinkError.namespace(name: name, errno: code, message: errnoText(code))
        }
        defer { close(target) }
        let original = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
        guard original >= 0 else {
            let code = errno
            throw NetlinkError.namespace(
                name: name, errno: code, message: "cannot open current namespace: \(errnoText(code))")
        }
        defer { close(original) }
        guard knl_setns_net(target) == 0 else {
            let code = errno
            throw NetlinkError.namespace(name: name, errno: code, message: errnoText(code))
        }
        defer {
            // A thread left in the wrong namespace would silently act on the wrong network;
            // going back to a namespace we were just in cannot fail short of kernel breakage.
            let restored = knl_setns_net(original)
            precondition(restored == 0, "cannot return to the original network namespace: \(errnoText(errno))")
        }
        return try body()
    }
}
