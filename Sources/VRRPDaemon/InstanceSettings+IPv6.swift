import KeepalivedConfig
import VRRP

extension InstanceSettings {
    /// The instance's family, as keepalived decides it: IPv6 with IPv6 VIPs or `native_ipv6`,
    /// or, with no VIPs, when the source address, group or first unicast peer is IPv6.
    static func isIPv6(_ instance: VRRPInstance) -> Bool {
        if instance.isIPv6 { return true }
        guard instance.virtualAddresses.isEmpty else { return false }
        let first = instance.sourceAddress ?? instance.multicastGroup ?? instance.unicastPeers.first?.address
        return first?.family == .inet6
    }

    /// `mcast_dst_ip`, else global `vrrp_mcast_group4` / `vrrp_mcast_group6` for the instance's
    /// family, else 224.0.0.18 / ff02::12.
    static func multicastGroup(
        _ instance: VRRPInstance, globals: GlobalDefinitions
    ) throws(InstanceSettingsError) -> InetAddress {
        let ipv6 = isIPv6(instance)
        let configured = instance.multicastGroup ?? (ipv6 ? globals.vrrpMulticastGroup6 : globals.vrrpMulticastGroup4)
        guard let configured else { return ipv6 ? VRRPAdvert.ipv6MulticastGroup : VRRPAdvert.ipv4MulticastGroup }
        guard let group = InetAddress(bytes: configured.bytes), group.isMulticast,
            group.family == (ipv6 ? .ipv6 : .ipv4)
        else {
            throw .outOfRange(instance: instance.name, keyword: "mcast_dst_ip", value: configured.description)
        }
        return group
    }

    /// The family adverts go out in.
    public var family: InetAddress.Family {
        switch destination {
        case .multicast(let group): group.family
        case .unicast(let peers): peers.first?.family ?? sourceAddress?.family ?? .ipv4
        }
    }
}
