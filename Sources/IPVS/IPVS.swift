import CNetlinkGenl
import Netlink
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// What the kernel says about its IPVS: `ipvsadm`'s first line.
public struct IPVSInfo: Hashable, Sendable {
    /// "1.2.1".
    public var version: String
    /// The connection hash table size (`ip_vs conn_tab_bits`).
    public var connectionTableSize: UInt32
}

/// The kernel's IPVS table, read and changed over generic netlink (what `ipvsadm` does).
/// Every call is one request and its answer; calls from several tasks are serialized.
public final class IPVS: Sendable {
    private let socket: Mutex<IPVSSocket>

    /// Resolves the IPVS family; throws `IPVSError.unavailable` when the kernel has no IPVS.
    public init() throws(IPVSError) {
        socket = Mutex(try IPVSSocket())
    }

    /// The IPVS version the kernel reports ("1.2.1") and its connection table size.
    public func info() throws(IPVSError) -> IPVSInfo {
        let reply = try request(IPVS_CMD_GET_INFO, operation: "read IPVS info").first
        let version = reply?.u32(Int(IPVS_INFO_ATTR_VERSION)) ?? 0
        return IPVSInfo(
            version: "\(version >> 16).\((version >> 8) & 0xFF).\(version & 0xFF)",
            connectionTableSize: reply?.u32(Int(IPVS_INFO_ATTR_CONN_TAB_SIZE)) ?? 0)
    }

    // MARK: Services

    /// Every virtual service in the table, with its counters.
    public func services() throws(IPVSError) -> [IPVSService] {
        var services: [IPVSService] = []
        for reply in try request(IPVS_CMD_GET_SERVICE, dump: true, operation: "list IPVS services") {
            guard let table = try reply.nested(Int(IPVS_CMD_ATTR_SERVICE)) else { continue }
            services.append(try IPVSService(decoding: table))
        }
        return services
    }

    /// The service with `key`, or nil when the table has none.
    public func service(_ key: IPVSService.Key) throws(IPVSError) -> IPVSService? {
        do {
            let replies = try request(
                IPVS_CMD_GET_SERVICE, operation: "read IPVS service \(key)",
                attributes: serviceIdentity(key))
            guard let table = try replies.first?.nested(Int(IPVS_CMD_ATTR_SERVICE)) else { return nil }
            return try IPVSService(decoding: table)
        } catch .kernel(_, let errno, _) where errno == ESRCH {
            return nil
        }
    }

    public func addService(_ service: IPVSService) throws(IPVSError) {
        try request(IPVS_CMD_NEW_SERVICE, operation: "add IPVS service \(service.key)", attributes: full(service))
    }

    /// Changes scheduler, flags and persistence of the service with the same key.
    public func editService(_ service: IPVSService) throws(IPVSError) {
        try request(IPVS_CMD_SET_SERVICE, operation: "edit IPVS service \(service.key)", attributes: full(service))
    }

    /// Deletes the service and all its destinations.
    public func deleteService(_ key: IPVSService.Key) throws(IPVSError) {
        try request(IPVS_CMD_DEL_SERVICE, operation: "delete IPVS service \(key)", attributes: serviceIdentity(key))
    }

    // MARK: Destinations

    /// The real servers of the service with `key`, with their connection counts and counters.
    public func destinations(of key: IPVSService.Key) throws(IPVSError) -> [IPVSDestination] {
        var destinations: [IPVSDestination] = []
        let replies = try request(
            IPVS_CMD_GET_DEST, dump: true, operation: "list destinations of IPVS service \(key)",
            attributes: serviceIdentity(key))
        for reply in replies {
            guard let table = try reply.nested(Int(IPVS_CMD_ATTR_DEST)) else { continue }
            destinations.append(try IPVSDestination(decoding: table, serviceFamily: key.family))
        }
        return destinations
    }

    public func addDestination(_ destination: IPVSDestination, to key: IPVSService.Key) throws(IPVSError) {
        try request(
            IPVS_CMD_NEW_DEST, operation: "add destination \(destination.address):\(destination.port) to \(key)",
            attributes: try withDestination(destination, of: key))
    }

    /// Changes forwarding, weight and thresholds of the destination with the same address and port.
    public func editDestination(_ destination: IPVSDestination, of key: IPVSService.Key) throws(IPVSError) {
        try request(
            IPVS_CMD_SET_DEST, operation: "edit destination \(destination.address):\(destination.port) of \(key)",
            attributes: try withDestination(destination, of: key))
    }

    public func deleteDestination(_ address: IPAddress, port: UInt16, of key: IPVSService.Key) throws(IPVSError) {
        var writer = serviceIdentity(key)
        writer.putNested(Int(IPVS_CMD_ATTR_DEST)) {
            IPVSDestination(address, port: port).encodeIdentity(into: &$0)
        }
        try request(IPVS_CMD_DEL_DEST, operation: "delete destination \(address):\(port) of \(key)", attributes: writer)
    }

    // MARK: Table-wide

    /// `lvs_timeouts`, as `ipvsadm -L --timeout` shows them.
    public func timeouts() throws(IPVSError) -> IPVSTimeouts {
        let reply = try request(IPVS_CMD_GET_CONFIG, operation: "read IPVS timeouts").first
        return IPVSTimeouts(
            tcp: reply?.u32(Int(IPVS_CMD_ATTR_TIMEOUT_TCP)) ?? 0,
            tcpFin: reply?.u32(Int(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN)) ?? 0,
            udp: reply?.u32(Int(IPVS_CMD_ATTR_TIMEOUT_UDP)) ?? 0)
    }

    /// Sets `lvs_timeouts`; a 0 field keeps the kernel's current value.
    public func setTimeouts(_ timeouts: IPVSTimeouts) throws(IPVSError) {
        var writer = AttributeWriter()
        writer.put(Int(IPVS_CMD_ATTR_TIMEOUT_TCP), u32: timeouts.tcp)
        writer.put(Int(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN), u32: timeouts.tcpFin)
        writer.put(Int(IPVS_CMD_ATTR_TIMEOUT_UDP), u32: timeouts.udp)
        try request(IPVS_CMD_SET_CONFIG, operation: "set IPVS timeouts", attributes: writer)
    }

    /// Zeroes the counters of one service, or of the whole table when `key` is nil.
    public func zero(_ key: IPVSService.Key? = nil) throws(IPVSError) {
        try request(
            IPVS_CMD_ZERO, operation: key.map { "zero counters of \($0)" } ?? "zero IPVS counters",
            attributes: key.map(serviceIdentity) ?? AttributeWriter())
    }

    /// Removes every service (`ipvsadm -C`). ipvsd never calls this on a live table.
    public func flush() throws(IPVSError) {
        try request(IPVS_CMD_FLUSH, operation: "flush the IPVS table")
    }

    // MARK: Helpers

    @discardableResult
    func request(
        _ command: some BinaryInteger, dump: Bool = false, operation: @autoclosure () -> String,
        attributes: AttributeWriter = AttributeWriter()
    ) throws(IPVSError) -> [AttributeTable] {
        try self.socket.withLock { (held: inout IPVSSocket) throws(IPVSError) -> [AttributeTable] in
            do throws(IPVSError) {
                return try held.request(Int32(command), dump: dump, operation: operation(), attributes: attributes)
            } catch .noAnswer(let operation) {
                // A late answer must not be read as the next request's: start on a fresh socket.
                held = try IPVSSocket()
                throw .noAnswer(operation: operation)
            }
        }
    }

    private func serviceIdentity(_ key: IPVSService.Key) -> AttributeWriter {
        var writer = AttributeWriter()
        writer.putNested(Int(IPVS_CMD_ATTR_SERVICE)) { key.encodeIdentity(into: &$0) }
        return writer
    }

    private func full(_ service: IPVSService) throws(IPVSError) -> AttributeWriter {
        var inner = AttributeWriter()
        try service.encode(into: &inner)
        var writer = AttributeWriter()
        writer.put(Int(IPVS_CMD_ATTR_SERVICE), payload: inner.bytes)
        return writer
    }

    private func withDestination(_ destination: IPVSDestination, of key: IPVSService.Key) throws(IPVSError)
        -> AttributeWriter
    {
        var inner = AttributeWriter()
        try destination.encode(into: &inner)
        var writer = serviceIdentity(key)
        writer.put(Int(IPVS_CMD_ATTR_DEST), payload: inner.bytes)
        return writer
    }
}
