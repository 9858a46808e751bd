import CNetlinkGenl

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A libnl generic netlink socket bound to the IPVS family. Not thread-safe: `IPVS` keeps it
/// behind a lock.
final class IPVSSocket {
    private let handle: OpaquePointer
    let family: UInt16

    init() throws(IPVSError) {
        guard let handle = nl_socket_alloc() else {
            throw .library(operation: "allocate netlink socket", code: NLE_NOMEM, message: "out of memory")
        }
        let connected = genl_connect(handle)
        guard connected >= 0 else {
            nl_socket_free(handle)
            throw .library(
                operation: "connect generic netlink socket", code: -connected,
                message: String(cString: nl_geterror(connected)))
        }
        // A bounded wait for each answer: the kernel handles a request while it is being sent,
        // so an answer that has not come in this long never will (see `IPVSError.noAnswer`).
        var timeout = timeval(tv_sec: Self.answerTimeout, tv_usec: 0)
        _ = setsockopt(
            nl_socket_get_fd(handle), SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        // Peek at each datagram's size first: a dump of thousands of destinations comes in
        // kernel messages larger than libnl's default receive buffer.
        nl_socket_enable_msg_peek(handle)
        let family = genl_ctrl_resolve(handle, IPVS_GENL_NAME)
        guard family >= 0 else {
            nl_socket_free(handle)
            throw .unavailable(
                reason:
                    "the kernel has no generic netlink family \"\(IPVS_GENL_NAME)\" (\(String(cString: nl_geterror(family)))); "
                    + "load the ip_vs module or use a kernel built with IPVS")
        }
        self.handle = handle
        self.family = UInt16(truncatingIfNeeded: family)
    }

    deinit { nl_socket_free(handle) }

    /// Seconds to wait for each part of an answer.
    static let answerTimeout = 5

    /// Sends one IPVS command and returns the attributes of every reply message (one per
    /// entry for a dump, one for a get, none for a change).
    func request(
        _ command: Int32, dump: Bool = false, operation: @autoclosure () -> String,
        attributes: AttributeWriter = AttributeWriter()
    ) throws(IPVSError) -> [AttributeTable] {
        guard let message = nlmsg_alloc() else {
            throw .library(operation: operation(), code: NLE_NOMEM, message: "out of memory")
        }
        let flags = dump ? Int32(KNL_F_DUMP) : 0
        guard
            genlmsg_put(
                message, UInt32(NL_AUTO_PORT), UInt32(NL_AUTO_SEQ), Int32(family), 0, flags, UInt8(command),
                UInt8(IPVS_GENL_VERSION)) != nil
        else {
            nlmsg_free(message)
            throw .library(operation: operation(), code: NLE_NOMEM, message: "cannot build the message header")
        }
        var payload = attributes.bytes
        let appended = payload.isEmpty ? 0 : nlmsg_append(message, &payload, payload.count, 4)  // NLMSG_ALIGNTO
        guard appended >= 0 else {
            nlmsg_free(message)
            throw .library(
                operation: operation(), code: -appended, message: String(cString: nl_geterror(appended)))
        }
        let replies = ReplyCollector()
        var kernelErrno: Int32 = 0
        let result = knl_genl_transact(
            handle, message,
            { message, context in
                guard let message, let context, let header = nlmsg_hdr(message) else { return Int32(NL_SKIP.rawValue) }
                let collector = Unmanaged<ReplyCollector>.fromOpaque(context).takeUnretainedValue()
                let start = Int(KNL_NLMSG_HDRLEN) + Int(KNL_GENL_HDRLEN)
                let length = Int(header.pointee.nlmsg_len)
                if length >= start {
                    let raw = UnsafeRawBufferPointer(start: UnsafeRawPointer(header), count: length)
                    collector.payloads.append(Array(raw[start..<length]))
                }
                return Int32(NL_OK.rawValue)
            }, Unmanaged.passUnretained(replies).toOpaque(), &kernelErrno)
        withExtendedLifetime(replies) {}
        if kernelErrno != 0 {
            throw .kernel(operation: operation(), errno: kernelErrno, message: Self.describe(errno: kernelErrno))
        }
        if result == -NLE_AGAIN { throw .noAnswer(operation: operation()) }
        guard result >= 0 else {
            throw .library(operation: operation(), code: -result, message: String(cString: nl_geterror(result)))
        }
        var tables: [AttributeTable] = []
        for payload in replies.payloads { tables.append(try AttributeTable(parsing: payload[...])) }
        return tables
    }

    /// The kernel's errno as text, naming what IPVS means by the common ones.
    private static func describe(errno: Int32) -> String {
        let meaning: String
        switch errno {
        case EEXIST: meaning = "already exists"
        case ENOENT: meaning = "no such destination"
        case ESRCH: meaning = "no such service"
        case EPERM: meaning = "operation not permitted (needs CAP_NET_ADMIN)"
        default: meaning = String(cString: strerror(errno))
        }
        return "\(meaning) (errno \(errno))"
    }
}

/// Reply payloads gathered by the C callback during one request (confined to that call).
private final class ReplyCollector {
    var payloads: [[UInt8]] = []
}
