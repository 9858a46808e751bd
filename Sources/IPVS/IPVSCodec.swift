import CNetlinkGenl
import Netlink

// Between the value types and the kernel's IPVS_SVC_ATTR_* / IPVS_DEST_ATTR_* attributes.

let addressFamilyIPv4: UInt16 = 2  // AF_INET
let addressFamilyIPv6: UInt16 = 10  // AF_INET6

extension IPAddress.Family {
    var kernelValue: UInt16 { self == .ipv4 ? addressFamilyIPv4 : addressFamilyIPv6 }

    init(kernelValue: UInt16) throws(IPVSError) {
        switch kernelValue {
        case addressFamilyIPv4: self = .ipv4
        case addressFamilyIPv6: self = .ipv6
        default: throw .malformedReply("address family \(kernelValue)")
        }
    }
}

/// `union nf_inet_addr`: 16 bytes, an IPv4 address in the first 4.
private func inetAddressBytes(_ address: IPAddress) -> [UInt8] {
    address.bytes + [UInt8](repeating: 0, count: 16 - address.bytes.count)
}

private func decodeAddress(_ payload: ArraySlice<UInt8>?, family: IPAddress.Family) throws(IPVSError) -> IPAddress {
    guard let payload, payload.count >= family.byteCount,
        let address = IPAddress(family: family, bytes: Array(payload.prefix(family.byteCount)))
    else { throw .malformedReply("missing or short address") }
    return address
}

extension IPVSService.Key {
    /// The attributes that name the service (enough for delete, and for a destination's parent).
    func encodeIdentity(into writer: inout AttributeWriter) {
        writer.put(Int(IPVS_SVC_ATTR_AF), u16: family.kernelValue)
        switch self {
        case .address(let proto, let address, let port):
            writer.put(Int(IPVS_SVC_ATTR_PROTOCOL), u16: proto.number)
            writer.put(Int(IPVS_SVC_ATTR_ADDR), payload: inetAddressBytes(address))
            writer.put(Int(IPVS_SVC_ATTR_PORT), bigEndian16: port)
        case .firewallMark(let mark, _):
            writer.put(Int(IPVS_SVC_ATTR_FWMARK), u32: mark)
        }
    }
}

extension IPVSService {
    func encode(into writer: inout AttributeWriter) throws(IPVSError) {
        guard !scheduler.isEmpty, scheduler.utf8.count < 16 else {  // IP_VS_SCHEDNAME_MAXLEN
            throw .invalidArgument("scheduler name \"\(scheduler)\"")
        }
        if let engine = persistenceEngine, engine.isEmpty || engine.utf8.count >= 16 {  // IP_VS_PENAME_MAXLEN
            throw .invalidArgument("persistence engine \"\(engine)\"")
        }
        let family = key.family
        let prefixLength = persistence?.prefixLength ?? family.bitCount
        guard (1...family.bitCount).contains(prefixLength) else {
            throw .invalidArgument("persistence granularity /\(prefixLength) for \(family)")
        }
        key.encodeIdentity(into: &writer)
        writer.put(Int(IPVS_SVC_ATTR_SCHED_NAME), string: scheduler)
        if let persistenceEngine { writer.put(Int(IPVS_SVC_ATTR_PE_NAME), string: persistenceEngine) }
        var wanted = flags.subtracting([.persistent, .hashed])
        if persistence != nil { wanted.insert(.persistent) }
        // struct ip_vs_flags { flags; mask }: every settable bit is ours to decide.
        writer.put(Int(IPVS_SVC_ATTR_FLAGS), payload: hostBytes(wanted.rawValue) + hostBytes(UInt32.max))
        writer.put(Int(IPVS_SVC_ATTR_TIMEOUT), u32: persistence?.timeout ?? 0)
        // IPv4 carries the granularity as a netmask in network order, IPv6 as a prefix length.
        if family == .ipv4 {
            let mask = prefixLength == 0 ? UInt32(0) : UInt32.max << (32 - prefixLength)
            writer.put(Int(IPVS_SVC_ATTR_NETMASK), payload: hostBytes(mask.bigEndian))
        } else {
            writer.put(Int(IPVS_SVC_ATTR_NETMASK), u32: UInt32(prefixLength))
        }
    }

    init(decoding table: AttributeTable) throws(IPVSError) {
        guard let af = table.u16(Int(IPVS_SVC_ATTR_AF)) else { throw .malformedReply("service without family") }
        let family = try IPAddress.Family(kernelValue: af)
        let key: Key
        if let mark = table.u32(Int(IPVS_SVC_ATTR_FWMARK)), mark != 0 {
            key = .firewallMark(mark, family: family)
        } else {
            guard let number = table.u16(Int(IPVS_SVC_ATTR_PROTOCOL)), let proto = IPVSProtocol(number: number),
                let port = table.bigEndian16(Int(IPVS_SVC_ATTR_PORT))
            else { throw .malformedReply("service without protocol or port") }
            key = .address(proto, try decodeAddress(table[Int(IPVS_SVC_ATTR_ADDR)], family: family), port: port)
        }
        // struct ip_vs_flags { flags; mask }: the flags come first.
        let flags = IPVSServiceFlags(rawValue: table.leadingU32(Int(IPVS_SVC_ATTR_FLAGS)) ?? 0)
        var persistence: IPVSPersistence?
        if flags.contains(.persistent) {
            let netmask = table[Int(IPVS_SVC_ATTR_NETMASK)].map { Array($0) } ?? []
            let prefixLength: Int
            if family == .ipv4, netmask.count == 4 {
                prefixLength = netmask.reduce(0) { $0 + $1.nonzeroBitCount }
            } else {
                prefixLength = Int(table.u32(Int(IPVS_SVC_ATTR_NETMASK)) ?? 128)
            }
            persistence = IPVSPersistence(
                timeout: table.u32(Int(IPVS_SVC_ATTR_TIMEOUT)) ?? 0, prefixLength: prefixLength)
        }
        self.init(
            key, scheduler: table.string(Int(IPVS_SVC_ATTR_SCHED_NAME)) ?? "", flags: flags,
            persistence: persistence, persistenceEngine: table.string(Int(IPVS_SVC_ATTR_PE_NAME)))
        stats = try IPVSStats(decoding: table, stats64: Int(IPVS_SVC_ATTR_STATS64), stats: Int(IPVS_SVC_ATTR_STATS))
    }
}

extension IPVSDestination {
    /// The attributes that name the destination (enough for delete).
    func encodeIdentity(into writer: inout AttributeWriter) {
        writer.put(Int(IPVS_DEST_ATTR_ADDR), payload: inetAddressBytes(address))
        writer.put(Int(IPVS_DEST_ATTR_PORT), bigEndian16: port)
        writer.put(Int(IPVS_DEST_ATTR_ADDR_FAMILY), u16: address.family.kernelValue)
    }

    func encode(into writer: inout AttributeWriter) throws(IPVSError) {
        guard weight >= 0 else { throw .invalidArgument("weight \(weight) is negative") }
        encodeIdentity(into: &writer)
        let method: Int32
        switch forwarding {
        case .nat: method = IP_VS_CONN_F_MASQ
        case .local: method = IP_VS_CONN_F_LOCALNODE
        case .directRouting: method = IP_VS_CONN_F_DROUTE
        case .tunnel(let tunnel):
            method = IP_VS_CONN_F_TUNNEL
            switch tunnel {
            case .ipip:
                writer.put(Int(IPVS_DEST_ATTR_TUN_TYPE), u8: UInt8(IP_VS_CONN_F_TUNNEL_TYPE_IPIP))
            case .gue(let port, let flags):
                writer.put(Int(IPVS_DEST_ATTR_TUN_TYPE), u8: UInt8(IP_VS_CONN_F_TUNNEL_TYPE_GUE))
                writer.put(Int(IPVS_DEST_ATTR_TUN_PORT), bigEndian16: port)
                writer.put(Int(IPVS_DEST_ATTR_TUN_FLAGS), u16: flags.rawValue)
            case .gre(let flags):
                writer.put(Int(IPVS_DEST_ATTR_TUN_TYPE), u8: UInt8(IP_VS_CONN_F_TUNNEL_TYPE_GRE))
                writer.put(Int(IPVS_DEST_ATTR_TUN_FLAGS), u16: flags.rawValue)
            }
        }
        writer.put(Int(IPVS_DEST_ATTR_FWD_METHOD), u32: UInt32(method))
        writer.put(Int(IPVS_DEST_ATTR_WEIGHT), u32: UInt32(weight))
        writer.put(Int(IPVS_DEST_ATTR_U_THRESH), u32: upperThreshold)
        writer.put(Int(IPVS_DEST_ATTR_L_THRESH), u32: lowerThreshold)
    }

    init(decoding table: AttributeTable, serviceFamily: IPAddress.Family) throws(IPVSError) {
        let family = try table.u16(Int(IPVS_DEST_ATTR_ADDR_FAMILY)).map(IPAddress.Family.init) ?? serviceFamily
        guard let port = table.bigEndian16(Int(IPVS_DEST_ATTR_PORT)),
            let method = table.u32(Int(IPVS_DEST_ATTR_FWD_METHOD))
        else { throw .malformedReply("destination without port or forwarding method") }
        let forwarding: IPVSForwarding
        switch Int32(method) & IP_VS_CONN_F_FWD_MASK {
        case IP_VS_CONN_F_MASQ: forwarding = .nat
        case IP_VS_CONN_F_LOCALNODE: forwarding = .local
        case IP_VS_CONN_F_DROUTE: forwarding = .directRouting
        case IP_VS_CONN_F_TUNNEL:
            let flags = IPVSTunnelFlags(rawValue: table.u16(Int(IPVS_DEST_ATTR_TUN_FLAGS)) ?? 0)
            switch Int(table.u8(Int(IPVS_DEST_ATTR_TUN_TYPE)) ?? 0) {
            case IP_VS_CONN_F_TUNNEL_TYPE_GUE:
                forwarding = .tunnel(.gue(port: table.bigEndian16(Int(IPVS_DEST_ATTR_TUN_PORT)) ?? 0, flags: flags))
            case IP_VS_CONN_F_TUNNEL_TYPE_GRE: forwarding = .tunnel(.gre(flags: flags))
            default: forwarding = .tunnel(.ipip)
            }
        default: throw .malformedReply("forwarding method \(method)")
        }
        self.init(
            try decodeAddress(table[Int(IPVS_DEST_ATTR_ADDR)], family: family), port: port, forwarding: forwarding,
            weight: Int32(bitPattern: table.u32(Int(IPVS_DEST_ATTR_WEIGHT)) ?? 0),
            upperThreshold: table.u32(Int(IPVS_DEST_ATTR_U_THRESH)) ?? 0,
            lowerThreshold: table.u32(Int(IPVS_DEST_ATTR_L_THRESH)) ?? 0)
        activeConnections = table.u32(Int(IPVS_DEST_ATTR_ACTIVE_CONNS)) ?? 0
        inactiveConnections = table.u32(Int(IPVS_DEST_ATTR_INACT_CONNS)) ?? 0
        persistentConnections = table.u32(Int(IPVS_DEST_ATTR_PERSIST_CONNS)) ?? 0
        stats = try IPVSStats(
            decoding: table, stats64: Int(IPVS_DEST_ATTR_STATS64), stats: Int(IPVS_DEST_ATTR_STATS))
    }
}

extension IPVSStats {
    /// Reads the 64-bit counters when the kernel sends them (4.x and later), else the 32-bit ones.
    init(decoding parent: AttributeTable, stats64: Int, stats: Int) throws(IPVSError) {
        self.init()
        var found = try parent.nested(stats64)
        if found == nil { found = try parent.nested(stats) }
        guard let table = found else { return }
        func value(_ attribute: some BinaryInteger) -> UInt64 { table.counter(Int(attribute)) ?? 0 }
        connections = value(IPVS_STATS_ATTR_CONNS)
        incomingPackets = value(IPVS_STATS_ATTR_INPKTS)
        outgoingPackets = value(IPVS_STATS_ATTR_OUTPKTS)
        incomingBytes = value(IPVS_STATS_ATTR_INBYTES)
        outgoingBytes = value(IPVS_STATS_ATTR_OUTBYTES)
        connectionsPerSecond = value(IPVS_STATS_ATTR_CPS)
        incomingPacketsPerSecond = value(IPVS_STATS_ATTR_INPPS)
        outgoingPacketsPerSecond = value(IPVS_STATS_ATTR_OUTPPS)
        incomingBytesPerSecond = value(IPVS_STATS_ATTR_INBPS)
        outgoingBytesPerSecond = value(IPVS_STATS_ATTR_OUTBPS)
    }
}
