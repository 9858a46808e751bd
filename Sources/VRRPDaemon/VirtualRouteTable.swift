import KeepalivedConfig
import Netlink

/// One line of `virtual_routes`, reduced to what `ip route add` needs: resolved names and
/// numbers, protocol `keepalived` as keepalived marks its routes.
public struct VirtualRouteSpec: Sendable, Hashable, CustomStringConvertible {
    public var destination: String
    public var gateway: String?
    public var device: String?
    public var source: String?
    public var metric: UInt32?
    public var table: UInt32
    public var scope: String?
    public var type: String?

    public var description: String {
        ([type, destination] + [gateway.map { "via \($0)" }, device.map { "dev \($0)" }]).compactMap { $0 }
            .joined(separator: " ")
    }
}

extension VirtualRouteSpec {
    /// Refuses what vrrpd cannot add yet (a second gateway, the long tail of options).
    init(_ route: VirtualRoute, instance: String) throws(InstanceSettingsError) {
        guard route.alternateGateway == nil, route.additionalOptions.isEmpty else {
            throw .unsupported(instance: instance, what: "virtual route options in \(route.destination)")
        }
        // `default ... inet6`: the IPv6 default route.
        let isDefault = route.destination.length == 0 && route.destination.address.bytes.allSatisfy { $0 == 0 }
        destination = route.forceIPv6 && isDefault ? "::/0" : route.destination.description
        gateway = route.gateway?.description
        device = route.device
        source = route.source?.description
        metric = route.metric
        scope = route.scope
        type = route.type?.rawValue
        table = try routeTableNumber(route.table, instance: instance)
    }
}

/// Adds and removes an instance's virtual routes, idempotently like `VirtualAddressTable`.
struct VirtualRouteTable: Sendable {
    let netlink: RouteNetlink
    let routes: [(spec: VirtualRouteSpec, route: Route)]

    init(netlink: RouteNetlink, specs: [VirtualRouteSpec]) throws {
        self.netlink = netlink
        routes = try specs.map { spec in (spec, try Route(spec, netlink: netlink)) }
    }

    func addAll() -> [String] {
        var failures: [String] = []
        for (spec, route) in routes {
            do {
                try netlink.addRoute(route)
            } catch let error as NetlinkError where error.isAlreadyExists {
                continue
            } catch {
                failures.append("cannot add route \(spec): \(error)")
            }
        }
        return failures
    }

    /// Removes every route, except those `kept` also holds.
    func removeAll(except kept: VirtualRouteTable? = nil) -> [String] {
        let keep = Set((kept?.routes ?? []).map(\.route))
        var failures: [String] = []
        for (spec, route) in routes where !keep.contains(route) {
            do {
                try netlink.removeRoute(route)
            } catch let error as NetlinkError where error.isNotFound {
                continue
            } catch {
                failures.append("cannot remove route \(spec): \(error)")
            }
        }
        return failures
    }
}

extension Route {
    init(_ spec: VirtualRouteSpec, netlink: RouteNetlink) throws {
        guard let destination = Netlink.IPPrefix(spec.destination) else {
            throw VirtualAddressError.invalid("route destination \(spec.destination)")
        }
        var interfaceIndex: Int?
        if let device = spec.device {
            guard let link = try netlink.link(named: device) else {
                throw VirtualAddressError.noSuchDevice(device, address: spec.description)
            }
            interfaceIndex = link.index
        }
        let type: RouteType =
            switch spec.type {
            case "blackhole": .blackhole
            case "unreachable": .unreachable
            case "prohibit": .prohibit
            case "throw": .throw
            case "local": .local
            case "broadcast": .broadcast
            case "anycast": .anycast
            case "multicast": .multicast
            default: .unicast
            }
        let scope = try spec.scope.map { name in
            guard let scope = Scope(name: name) else { throw VirtualAddressError.invalid("scope \(name)") }
            return scope
        }
        self.init(
            destination: destination, gateway: spec.gateway.flatMap { Netlink.IPAddress($0) },
            interfaceIndex: interfaceIndex, source: spec.source.flatMap { Netlink.IPAddress($0) }, metric: spec.metric,
            table: spec.table, scope: scope, type: type)
    }
}
