/// Why an IPVS operation failed, with the text a sysadmin needs.
public enum IPVSError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kernel has no IPVS: the "IPVS" generic netlink family is not registered
    /// (module `ip_vs` not loaded, or a kernel built without it).
    case unavailable(reason: String)
    /// The kernel refused `operation` with `errno` (EEXIST for a duplicate, ENOENT for a missing
    /// entry, ESRCH for a service that does not exist, EINVAL for a bad field).
    case kernel(operation: String, errno: Int32, message: String)
    /// libnl failed before the kernel answered.
    case library(operation: String, code: Int32, message: String)
    /// A value that cannot be sent to the kernel (a scheduler name too long, a bad prefix).
    case invalidArgument(String)
    /// The kernel's answer could not be decoded.
    case malformedReply(String)
    /// No answer came within `IPVSSocket.answerTimeout`. The kernel answers every IPVS request
    /// while handling it, except one its handler ends with EINTR (netlink sends no ACK then).
    case noAnswer(operation: String)

    public var description: String {
        switch self {
        case .unavailable(let reason): "IPVS is not available: \(reason)"
        case .kernel(let operation, _, let message): "\(operation): \(message)"
        case .library(let operation, _, let message): "\(operation): \(message)"
        case .invalidArgument(let text): "invalid argument: \(text)"
        case .malformedReply(let text): "malformed IPVS reply: \(text)"
        case .noAnswer(let operation): "\(operation): the kernel did not answer"
        }
    }
}
