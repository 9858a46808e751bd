import CNetlink

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Why a netlink operation failed. Every case carries the text a sysadmin needs.
public enum NetlinkError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kernel refused the request: its errno and text (with its extended-ack message when
    /// it gave one, e.g. "Nexthop has invalid gateway").
    case kernel(operation: String, errno: Int32, message: String)
    /// libnl failed without a kernel answer (bad socket, message too big, ...).
    case library(operation: String, code: Int32, message: String)
    /// The named network namespace could not be entered (missing, or not permitted).
    case namespace(name: String, errno: Int32, message: String)
    /// The request itself is malformed (family mismatch, label too long, ...).
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .kernel(let operation, let errno, let message):
            "\(operation): \(message) (errno \(errno))"
        case .library(let operation, let code, let message):
            "\(operation): \(message) (libnl error \(code))"
        case .namespace(let name, _, let message):
            "network namespace \(name): \(message)"
        case .invalidArgument(let message):
            "invalid argument: \(message)"
        }
    }

    /// The object already exists (EEXIST): e.g. a VIP that is already configured.
    public var isAlreadyExists: Bool {
        switch self {
        case .kernel(_, let errno, _): errno == EEXIST
        case .library(_, let code, _): code == NLE_EXIST
        default: false
        }
    }

    /// The object (address, route, rule, link) is not there to act on.
    public var isNotFound: Bool {
        switch self {
        case .kernel(_, let errno, _):
            [ENOENT, ESRCH, ENODEV, EADDRNOTAVAIL].contains(errno)
        case .library(_, let code, _):
            [NLE_OBJ_NOTFOUND, NLE_NODEV, NLE_NOADDR].contains(code)
        default: false
        }
    }
}

func errnoText(_ code: Int32) -> String {
    String(cString: strerror(code))
}
