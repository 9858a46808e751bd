import CNetlink

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// One libnl socket and the record its kernel errors land in. Not thread-safe: the owner keeps
/// it behind a lock or on one queue.
final class NetlinkSocket {
    let handle: OpaquePointer
    private let errorRecord: UnsafeMutablePointer<knl_error_record>

    /// Opens a socket of `protocol` (NETLINK_ROUTE, NETLINK_GENERIC) inside `namespace`.
    init(protocol netlinkProtocol: Int32, namespace: String?) throws {
        guard let handle = nl_socket_alloc() else {
            throw NetlinkError.library(operation: "allocate netlink socket", code: NLE_NOMEM, message: "out of memory")
        }
        let result = try NetworkNamespace.run(in: namespace) { nl_connect(handle, netlinkProtocol) }
        guard result >= 0 else {
            nl_socket_free(handle)
            throw NetlinkError.library(
                operation: "connect netlink socket", code: -result, message: String(cString: nl_geterror(result)))
        }
        self.handle = handle
        self.errorRecord = .allocate(capacity: 1)
        errorRecord.initialize(to: knl_error_record())
        _ = knl_install_error_recorder(handle, errorRecord)
    }

    deinit {
        nl_socket_free(handle)
        errorRecord.deallocate()
    }

    var fileDescriptor: Int32 { nl_socket_get_fd(handle) }

    /// Runs one libnl call and turns a negative result into a `NetlinkError` naming `operation`.
    @discardableResult
    func perform(_ operation: @autoclosure () -> String, _ call: (OpaquePointer) -> Int32) throws -> Int32 {
        errorRecord.pointee.error = 0
        let result = call(handle)
        guard result < 0 else { return result }
        try fail(operation(), code: result)
    }

    /// Throws the error for a negative libnl result, preferring the kernel's own errno and text.
    func fail(_ operation: String, code: Int32) throws -> Never {
        let kernelErrno = errorRecord.pointee.error
        if kernelErrno != 0 {
            let detail = withUnsafeBytes(of: &errorRecord.pointee.message) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            let text = errnoText(kernelErrno) + (detail.isEmpty ? "" : ": \(detail)")
            throw NetlinkError.kernel(operation: operation, errno: kernelErrno, message: text)
        }
        throw NetlinkError.library(operation: operation, code: -code, message: String(cString: nl_geterror(code)))
    }

    /// Dumps a cache with `fill` and hands each object to `body`.
    func forEachObject(
        _ operation: String, fill: (OpaquePointer, UnsafeMutablePointer<OpaquePointer?>) -> Int32,
        _ body: (OpaquePointer) throws -> Void
    ) throws {
        var cache: OpaquePointer?
        try perform(operation) { fill($0, &cache) }
        guard let cache else { return }
        defer { nl_cache_free(cache) }
        var object = nl_cache_get_first(cache)
        while let current = object {
            try body(current)
            object = nl_cache_get_next(current)
        }
    }
}

// MARK: - nl_addr conversions

extension IPAddress {
    /// A new nl_addr reference (caller puts it) with `prefixLength` set.
    func makeNLAddr(prefixLength: Int? = nil) -> OpaquePointer? {
        let address = bytes.withUnsafeBytes { nl_addr_build(family.addressFamily, $0.baseAddress, $0.count) }
        if let address, let prefixLength { nl_addr_set_prefixlen(address, Int32(prefixLength)) }
        return address
    }

    /// Reads an nl_addr; nil when absent or not IPv4/IPv6.
    init?(nlAddr: OpaquePointer?) {
        guard let nlAddr, let family = Family(addressFamily: nl_addr_get_family(nlAddr)),
            Int(nl_addr_get_len(nlAddr)) == family.byteCount,
            let raw = nl_addr_get_binary_addr(nlAddr)
        else { return nil }
        let bytes = Array(UnsafeRawBufferPointer(start: raw, count: family.byteCount))
        self.init(family: family, bytes: bytes)
    }
}

extension IPPrefix {
    func makeNLAddr() -> OpaquePointer? { address.makeNLAddr(prefixLength: length) }

    /// Reads an nl_addr with its prefix length; a zero-length address (no RTA_DST) of a known
    /// family reads as that family's default route.
    init?(nlAddr: OpaquePointer?) {
        guard let nlAddr, let family = IPAddress.Family(addressFamily: nl_addr_get_family(nlAddr)) else {
            return nil
        }
        let length = Int(nl_addr_get_prefixlen(nlAddr))
        let address = IPAddress(nlAddr: nlAddr) ?? .any(family)
        self.init(address: address, length: length)
    }
}

extension MACAddress {
    func makeNLAddr() -> OpaquePointer? {
        bytes.withUnsafeBytes { nl_addr_build(AF_LLC, $0.baseAddress, $0.count) }
    }

    init?(nlAddr: OpaquePointer?) {
        guard let nlAddr, nl_addr_get_len(nlAddr) == 6, let raw = nl_addr_get_binary_addr(nlAddr) else {
            return nil
        }
        self.init(bytes: Array(UnsafeRawBufferPointer(start: raw, count: 6)))
    }
}

func optionalString(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
    pointer.map { String(cString: $0) }
}
