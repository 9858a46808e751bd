import CNetlink
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The rtnetlink side of the kernel: addresses, routes, rules and links, in one network
/// namespace. Calls are synchronous (the kernel answers in microseconds) and may come from any
/// thread; one lock serializes them on the request socket.
public final class RouteNetlink: Sendable {
    /// The namespace this handle acts in; nil for the caller's own.
    public let namespace: String?
    private let socket: Mutex<NetlinkSocket>

    /// Opens a request socket in `namespace` (a name under /run/netns), or in the current
    /// network namespace when nil.
    public init(namespace: String? = nil) throws {
        self.namespace = namespace
        self.socket = Mutex(try NetlinkSocket(protocol: NETLINK_ROUTE, namespace: namespace))
    }

    func withSocket<T: Sendable>(_ body: (NetlinkSocket) throws -> T) throws -> T {
        try socket.withLock { try body($0) }
    }

    // MARK: Addresses

    /// Adds an address (`ip addr add`). Throws an error with `isAlreadyExists` when it is there.
    /// `preferredLifetime` 0 adds it deprecated (`preferred_lft 0`): the kernel then never picks
    /// it as a source of its own, as keepalived adds a VMAC's link-local address.
    public func addAddress(_ address: InterfaceAddress, preferredLifetime: UInt32? = nil) throws {
        try withSocket { socket in
            let object = try makeAddressObject(address)
            defer { rtnl_addr_put(object) }
            if let preferredLifetime {
                rtnl_addr_set_valid_lifetime(object, UInt32.max)
                rtnl_addr_set_preferred_lifetime(object, preferredLifetime)
            }
            try socket.perform("add address \(describe(address))") {
                rtnl_addr_add($0, object, NLM_F_EXCL)
            }
        }
    }

    /// Removes an address (`ip addr del`). Throws an error with `isNotFound` when it is absent.
    public func removeAddress(_ address: InterfaceAddress) throws {
        try withSocket { socket in
            let object = try makeAddressObject(address)
            defer { rtnl_addr_put(object) }
            try socket.perform("remove address \(describe(address))") {
                rtnl_addr_delete($0, object, 0)
            }
        }
    }

    /// The addresses on one interface, or on all when `interfaceIndex` is nil.
    public func addresses(interfaceIndex: Int? = nil, family: IPAddress.Family? = nil) throws -> [InterfaceAddress] {
        try withSocket { socket in
            var result: [InterfaceAddress] = []
            try socket.forEachObject("list addresses", fill: { rtnl_addr_alloc_cache($0, $1) }) { object in
                guard let address = InterfaceAddress(rtnlAddr: object) else { return }
                if let interfaceIndex, address.interfaceIndex != interfaceIndex { return }
                if let family, address.family != family { return }
                result.append(address)
            }
            return result
        }
    }

    private func describe(_ address: InterfaceAddress) -> String {
        "\(address.address)/\(address.prefixLength) on interface \(address.interfaceIndex)"
    }
}

// MARK: - rtnl_addr conversions

/// Builds a new rtnl_addr (caller puts it) for `address`.
private func makeAddressObject(_ address: InterfaceAddress) throws -> OpaquePointer {
    guard (0...address.family.bitCount).contains(address.prefixLength) else {
        throw NetlinkError.invalidArgument("prefix length \(address.prefixLength) for \(address.address)")
    }
    for other in [address.broadcast, address.peer].compactMap({ $0 }) where other.family != address.family {
        throw NetlinkError.invalidArgument("\(other) is not in the family of \(address.address)")
    }
    if let label = address.label, label.utf8.count >= Int(IFNAMSIZ) {
        throw NetlinkError.invalidArgument("label \"\(label)\" is longer than \(IFNAMSIZ - 1) bytes")
    }
    guard let object = rtnl_addr_alloc() else {
        throw NetlinkError.library(operation: "allocate address", code: NLE_NOMEM, message: "out of memory")
    }
    rtnl_addr_set_ifindex(object, Int32(address.interfaceIndex))
    rtnl_addr_set_family(object, address.family.addressFamily)
    var status: Int32 = 0
    if let local = address.address.makeNLAddr(prefixLength: address.prefixLength) {
        status = rtnl_addr_set_local(object, local)
        nl_addr_put(local)
    }
    if status >= 0, let peer = address.peer?.makeNLAddr(prefixLength: address.prefixLength) {
        status = rtnl_addr_set_peer(object, peer)
        nl_addr_put(peer)
    }
    if status >= 0, let broadcast = address.broadcast?.makeNLAddr() {
        status = rtnl_addr_set_broadcast(object, broadcast)
        nl_addr_put(broadcast)
    }
    if status >= 0, let label = address.label {
        status = rtnl_addr_set_label(object, label)
    }
    guard status >= 0 else {
        rtnl_addr_put(object)
        throw NetlinkError.library(
            operation: "build address \(address.address)", code: -status, message: String(cString: nl_geterror(status)))
    }
    rtnl_addr_set_prefixlen(object, Int32(address.prefixLength))
    rtnl_addr_set_scope(object, Int32(address.scope.rawValue))
    if !address.flags.isEmpty { rtnl_addr_set_flags(object, address.flags.rawValue) }
    return object
}

extension InterfaceAddress {
    /// Reads an rtnl_addr from a dump or a notification.
    init?(rtnlAddr object: OpaquePointer) {
        guard let local = IPAddress(nlAddr: rtnl_addr_get_local(object)) else { return nil }
        let peer = IPAddress(nlAddr: rtnl_addr_get_peer(object))
        self.init(
            address: local,
            prefixLength: Int(rtnl_addr_get_prefixlen(object)),
            interfaceIndex: Int(rtnl_addr_get_ifindex(object)),
            broadcast: IPAddress(nlAddr: rtnl_addr_get_broadcast(object)),
            peer: peer == local ? nil : peer,
            scope: Scope(rawValue: UInt8(truncatingIfNeeded: rtnl_addr_get_scope(object))),
            label: optionalString(rtnl_addr_get_label(object)),
            flags: AddressFlags(rawValue: rtnl_addr_get_flags(object)))
    }
}
