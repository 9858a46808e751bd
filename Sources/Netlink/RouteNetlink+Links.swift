import CNetlink

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

extension RouteNetlink {
    /// Every link in the namespace (`ip link show`).
    public func links() throws -> [Link] {
        try withSocket { socket in
            var result: [Link] = []
            try socket.forEachObject("list links", fill: { rtnl_link_alloc_cache($0, AF_UNSPEC, $1) }) { object in
                result.append(Link(rtnlLink: object))
            }
            return result
        }
    }

    /// The link with this name, or nil when there is none.
    public func link(named name: String) throws -> Link? {
        guard !name.isEmpty, name.utf8.count < Int(IFNAMSIZ) else {
            throw NetlinkError.invalidArgument("interface name \"\(name)\"")
        }
        return try withSocket { try fetchLink($0, index: 0, name: name) }
    }

    /// The link with this index, or nil when there is none.
    public func link(index: Int) throws -> Link? {
        guard index > 0, index <= Int(Int32.max) else { return nil }
        return try withSocket { try fetchLink($0, index: index, name: nil) }
    }

    /// Sets a link administratively up or down (`ip link set NAME up|down`).
    public func setLink(index: Int, up: Bool) throws {
        try withSocket { socket in
            var original: OpaquePointer?
            try socket.perform("look up interface \(index)") {
                rtnl_link_get_kernel($0, Int32(index), nil, &original)
            }
            guard let original else { return }
            defer { rtnl_link_put(original) }
            guard let changes = rtnl_link_alloc() else {
                throw NetlinkError.library(operation: "allocate link", code: NLE_NOMEM, message: "out of memory")
            }
            defer { rtnl_link_put(changes) }
            if up { rtnl_link_set_flags(changes, knl_iff_up()) } else { rtnl_link_unset_flags(changes, knl_iff_up()) }
            try socket.perform("set interface \(index) \(up ? "up" : "down")") {
                rtnl_link_change($0, original, changes, 0)
            }
        }
    }

    /// Creates a macvlan on `parentIndex` (`ip link add link PARENT name NAME address MAC type
    /// macvlan mode MODE`): keepalived's VMAC interface. Returns the new link, still down. In
    /// `.passthru` mode the kernel gives the macvlan its parent's MAC and ignores `mac`.
    @discardableResult
    public func createMacvlan(
        name: String, parentIndex: Int, mac: MACAddress? = nil, mode: MacvlanMode = .private
    ) throws -> Link {
        guard !name.isEmpty, name.utf8.count < Int(IFNAMSIZ), !name.contains("/") else {
            throw NetlinkError.invalidArgument("interface name \"\(name)\"")
        }
        return try withSocket { socket in
            guard let object = rtnl_link_macvlan_alloc() else {
                throw NetlinkError.library(operation: "allocate macvlan", code: NLE_NOMEM, message: "out of memory")
            }
            defer { rtnl_link_put(object) }
            rtnl_link_set_name(object, name)
            rtnl_link_set_link(object, Int32(parentIndex))
            if let address = mac?.makeNLAddr() {
                rtnl_link_set_addr(object, address)
                nl_addr_put(address)
            }
            try socket.perform("set macvlan mode \(mode.rawValue)") {
                _ in rtnl_link_macvlan_set_mode(object, mode.rawMode)
            }
            try socket.perform("create macvlan \(name) on interface \(parentIndex)") {
                rtnl_link_add($0, object, NLM_F_CREATE | NLM_F_EXCL)
            }
            guard let created = try fetchLink(socket, index: 0, name: name) else {
                throw NetlinkError.kernel(
                    operation: "create macvlan \(name)", errno: ENODEV, message: "the new link vanished")
            }
            return created
        }
    }

    /// Deletes a link (`ip link del`); for a macvlan this leaves its parent alone.
    public func deleteLink(index: Int) throws {
        try withSocket { socket in
            guard let object = rtnl_link_alloc() else {
                throw NetlinkError.library(operation: "allocate link", code: NLE_NOMEM, message: "out of memory")
            }
            defer { rtnl_link_put(object) }
            rtnl_link_set_ifindex(object, Int32(index))
            try socket.perform("delete interface \(index)") { rtnl_link_delete($0, object) }
        }
    }
}

/// Asks the kernel for one link; nil when it does not exist.
private func fetchLink(_ socket: NetlinkSocket, index: Int, name: String?) throws -> Link? {
    var object: OpaquePointer?
    do {
        try socket.perform("look up interface \(name ?? String(index))") {
            rtnl_link_get_kernel($0, Int32(index), name, &object)
        }
    } catch let error as NetlinkError where error.isNotFound {
        return nil
    }
    guard let object else { return nil }
    defer { rtnl_link_put(object) }
    return Link(rtnlLink: object)
}

extension Link {
    init(rtnlLink object: OpaquePointer) {
        let flags = rtnl_link_get_flags(object)
        let parent = rtnl_link_get_link(object)
        let index = rtnl_link_get_ifindex(object)
        self.init(
            index: Int(index),
            name: optionalString(rtnl_link_get_name(object)) ?? "",
            mac: MACAddress(nlAddr: rtnl_link_get_addr(object)),
            isUp: flags & knl_iff_up() != 0,
            isRunning: flags & knl_iff_running() != 0,
            mtu: Int(rtnl_link_get_mtu(object)),
            kind: optionalString(rtnl_link_get_type(object)),
            parentIndex: parent > 0 && parent != index ? Int(parent) : nil,
            macvlanMode: rtnl_link_is_macvlan(object) != 0
                ? MacvlanMode(rawMode: rtnl_link_macvlan_get_mode(object)) : nil)
    }
}
