import KeepalivedConfig
import Netlink

/// `static_ipaddress`, `static_routes` and `static_rules`: added when vrrpd starts whatever the
/// instances' states, never touched by transitions, and left in place when vrrpd stops, as
/// keepalived leaves them. A reload removes the ones gone from the file and adds the new ones.
struct StaticNetwork: Sendable {
    let addresses: VirtualAddressTable
    let routes: VirtualRouteTable
    let rules: VirtualRuleTable

    var isEmpty: Bool { addresses.addresses.isEmpty && routes.routes.isEmpty && rules.rules.isEmpty }

    /// Resolves every line against the interfaces now; an address without `dev` goes on
    /// `default_interface` (eth0 when unset), as in keepalived.
    init(_ configuration: KeepalivedConfiguration, netlink: RouteNetlink) throws {
        let device = configuration.globalDefinitions.defaultInterface ?? "eth0"
        addresses = try VirtualAddressTable(
            netlink: netlink,
            specs: configuration.staticAddresses.map { line in
                try VirtualAddressSpec(line, interface: device, instance: "static_ipaddress")
            })
        routes = try VirtualRouteTable(
            netlink: netlink,
            specs: configuration.staticRoutes.map { try VirtualRouteSpec($0, instance: "static_routes") })
        rules = VirtualRuleTable(
            netlink: netlink, rules: try configuration.staticRules.map { try Netlink.Rule($0, instance: "static_rules") })
    }

    /// Adds everything (what is there already is fine); returns the failures.
    func addAll() -> [String] {
        addresses.addAll() + routes.addAll() + rules.addAll()
    }

    /// Takes over from `old` (the previous configuration's): removes what `self` no longer has,
    /// then adds everything.
    func replace(_ old: StaticNetwork?) -> [String] {
        let removed =
            old.map { old in
                old.rules.removeAll(except: rules) + old.routes.removeAll(except: routes)
                    + old.addresses.removeAll(except: addresses)
            } ?? []
        return removed + addAll()
    }
}
