import CNetlink
import CNetlinkGenl
import Synchronization

/// A generic netlink socket (`NETLINK_GENERIC`) in one network namespace: the base for
/// families such as IPVS, whose numeric id the kernel assigns at run time.
public final class GenericNetlink: Sendable {
    public let namespace: String?
    private let socket: Mutex<NetlinkSocket>

    /// Opens a generic netlink socket in `namespace` (a name under /run/netns), or in the
    /// current network namespace when nil.
    public init(namespace: String? = nil) throws {
        self.namespace = namespace
        self.socket = Mutex(try NetlinkSocket(protocol: NETLINK_GENERIC, namespace: namespace))
    }

    /// The id the kernel gave the family `name` (e.g. "IPVS", "nlctrl"). Throws an error with
    /// `isNotFound` when no such family is registered (module not loaded).
    public func familyID(named name: String) throws -> UInt16 {
        guard !name.isEmpty, name.utf8.count < 16 else {  // GENL_NAMSIZ
            throw NetlinkError.invalidArgument("generic netlink family name \"\(name)\"")
        }
        return try socket.withLock { socket in
            let id = try socket.perform("resolve generic netlink family \(name)") { genl_ctrl_resolve($0, name) }
            return UInt16(truncatingIfNeeded: id)
        }
    }

    func withSocket<T: Sendable>(_ body: (NetlinkSocket) throws -> T) throws -> T {
        try socket.withLock { try body($0) }
    }
}
