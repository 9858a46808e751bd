import IPVS
import KeepalivedConfig

/// Why a `virtual_server` cannot be turned into kernel services. The virtual server is skipped
/// (and logged); the others are applied.
public enum TableError: Error, Hashable, Sendable, CustomStringConvertible {
    case unknownGroup(virtualServer: String, group: String)
    case rangeTooLarge(virtualServer: String, entry: String, count: Int)
    case badGranularity(virtualServer: String, value: String)

    public var description: String {
        switch self {
        case .unknownGroup(let vs, let group): "VS \(vs): virtual_server_group \(group) does not exist"
        case .rangeTooLarge(let vs, let entry, let count):
            "VS \(vs): group entry \(entry) expands to \(count) services, more than \(ServiceExpansion.maximumServices)"
        case .badGranularity(let vs, let value): "VS \(vs): persistence_granularity \(value) is not a netmask or prefix"
        }
    }
}

/// Which kernel services one `virtual_server` is: one for an address or fwmark, one per address
/// (and per fwmark) of a `virtual_server_group`, every address of a range or prefix included.
enum ServiceExpansion {
    /// A bound on what a range or prefix may expand to, so a typo (`10.0.0.0/8`) is refused
    /// rather than filling the kernel with 16 million services.
    static let maximumServices = 4096

    static func keys(
        of server: VirtualServer, groups: [String: VirtualServerGroup]
    ) throws(TableError) -> [IPVSService.Key] {
        let proto = (server.effectiveProtocol ?? .tcp).kernelProtocol
        switch server.service {
        case .address(let address, let port):
            return [.address(proto, address.kernelAddress, port: UInt16(port ?? 0))]
        case .fwmark(let mark):
            return [.firewallMark(UInt32(mark), family: fwmarkFamily(server, group: nil, written: nil))]
        case .group(let name):
            guard let group = groups[name] else {
                throw .unknownGroup(virtualServer: server.displayName, group: name)
            }
            var keys: [IPVSService.Key] = []
            for entry in group.entries {
                let port = UInt16(entry.port ?? 0)
                switch entry {
                case .address(let address, _):
                    keys.append(.address(proto, address.kernelAddress, port: port))
                case .range(let first, let last, _):
                    let addresses = try expand(from: first, to: last, server: server, entry: entry)
                    keys += addresses.map { .address(proto, $0.kernelAddress, port: port) }
                case .prefix(let prefix, _):
                    let (first, last) = bounds(of: prefix)
                    let addresses = try expand(from: first, to: last, server: server, entry: entry)
                    keys += addresses.map { .address(proto, $0.kernelAddress, port: port) }
                case .fwmark(let mark, let family):
                    keys.append(
                        .firewallMark(UInt32(mark), family: fwmarkFamily(server, group: group, written: family)))
                }
                if keys.count > maximumServices {
                    throw .rangeTooLarge(virtualServer: server.displayName, entry: entry.description, count: keys.count)
                }
            }
            return keys
        }
    }

    /// A fwmark's family: as written, else `ip_family`, else the group's only address family,
    /// else the real servers' (all tunnelled to IPv6, say), else IPv4 as keepalived defaults.
    private static func fwmarkFamily(
        _ server: VirtualServer, group: VirtualServerGroup?, written: ConfigAddress.Family?
    ) -> KernelAddress.Family {
        if let written { return written.kernelFamily }
        if let family = server.ipFamily { return family.kernelFamily }
        if let families = group?.families, families.count == 1, let only = families.first {
            return only.kernelFamily
        }
        let realFamilies = Set(server.realServers.map(\.address.family))
        if realFamilies.count == 1, let only = realFamilies.first { return only.kernelFamily }
        return .ipv4
    }

    /// Every address from `first` to `last` inclusive, counting on the address as a big number.
    private static func expand(
        from first: ConfigAddress, to last: ConfigAddress, server: VirtualServer, entry: VirtualServerGroup.Entry
    ) throws(TableError) -> [ConfigAddress] {
        var addresses: [ConfigAddress] = []
        var current = first.bytes
        let end = last.bytes
        while !end.lexicographicallyPrecedes(current) {
            addresses.append(address(current, like: first))
            if addresses.count > maximumServices {
                throw .rangeTooLarge(
                    virtualServer: server.displayName, entry: entry.description, count: addresses.count)
            }
            guard increment(&current) else { break }
        }
        return addresses
    }

    private static func bounds(of prefix: IPPrefix) -> (ConfigAddress, ConfigAddress) {
        var low = prefix.address.bytes
        var high = low
        for bit in prefix.length..<(low.count * 8) {
            let mask = UInt8(0x80) >> UInt8(bit % 8)
            low[bit / 8] &= ~mask
            high[bit / 8] |= mask
        }
        return (address(low, like: prefix.address), address(high, like: prefix.address))
    }

    /// Adds one; false when it wrapped around.
    private static func increment(_ bytes: inout [UInt8]) -> Bool {
        for index in bytes.indices.reversed() {
            if bytes[index] == 0xFF {
                bytes[index] = 0
            } else {
                bytes[index] += 1
                return true
            }
        }
        return false
    }

    private static func address(_ bytes: [UInt8], like model: ConfigAddress) -> ConfigAddress {
        if case .v4 = model {
            return .v4(bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        }
        return .v6(bytes: bytes, zone: nil)
    }

    /// The service's settings (scheduler, flags, persistence) as `ipvsadm -A` would set them.
    static func service(
        _ key: IPVSService.Key, of server: VirtualServer
    ) throws(TableError) -> IPVSService {
        var flags: IPVSServiceFlags = []
        if server.onePacketScheduling { flags.insert(.onePacket) }
        if server.schedulerFlags.flag1 { flags.insert(.schedulerFlag1) }
        if server.schedulerFlags.flag2 { flags.insert(.schedulerFlag2) }
        if server.schedulerFlags.flag3 { flags.insert(.schedulerFlag3) }
        var persistence: IPVSPersistence?
        if let timeout = server.persistenceTimeout {
            let prefix = try prefixLength(server.persistenceGranularity, family: key.family, server: server)
            persistence = IPVSPersistence(timeout: UInt32(clamping: timeout), prefixLength: prefix)
        }
        return IPVSService(
            key, scheduler: server.scheduler.rawValue, flags: flags, persistence: persistence,
            persistenceEngine: server.persistenceEngine)
    }

    /// `persistence_granularity`: an IPv4 netmask (`255.255.255.0`) or a prefix length.
    private static func prefixLength(
        _ text: String?, family: KernelAddress.Family, server: VirtualServer
    ) throws(TableError) -> Int {
        guard let text else { return family.bitCount }
        if let length = Int(text), (1...family.bitCount).contains(length) { return length }
        if family == .ipv4, let mask = KernelAddress(text), mask.family == .ipv4 {
            let value = mask.bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let length = value.nonzeroBitCount
            if length > 0, value == UInt32.max << (32 - length) { return length }
        }
        throw .badGranularity(virtualServer: server.displayName, value: text)
    }
}
