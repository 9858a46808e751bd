import Logging
import Netlink

/// Why a VMAC cannot be set up.
public enum VMACError: Error, Hashable, Sendable, CustomStringConvertible {
    case noParent(String)
    /// The name is taken by a link that is not a macvlan of the parent: not ours to remove.
    case nameTaken(name: String, by: String)
    /// An IPv6 VMAC needs a link-local address and the parent has none, nor a MAC to derive one.
    case noLinkLocalAddress(String)

    public var description: String {
        switch self {
        case .noParent(let parent): "no interface \(parent) to put a VMAC on"
        case .nameTaken(let name, let other): "\(name) exists and is not our VMAC (\(other)); not touching it"
        case .noLinkLocalAddress(let parent): "\(parent) has no IPv6 link-local address for an IPv6 VMAC"
        }
    }
}

/// An instance's macvlan (`use_vmac`): private mode as keepalived's, with the virtual MAC, up
/// from creation until the instance stops, then deleted and the sysctls put back.
struct VMACInterface: Sendable {
    let settings: VMACSettings
    let parent: Link
    let link: Link
    let netlink: RouteNetlink

    /// Creates the macvlan on `parent`, first removing what a crashed run left: a macvlan of
    /// that name, or any macvlan on the parent with the same MAC (the kernel refuses a second).
    static func create(
        _ settings: VMACSettings, parent parentName: String, linkLocal: IPAddress? = nil, netlink: RouteNetlink,
        logger: Logger, instance: String
    ) throws -> VMACInterface {
        guard let parent = try netlink.link(named: parentName) else { throw VMACError.noParent(parentName) }
        for link in try netlink.links() where link.name == settings.name || isLeftover(link, settings, parent) {
            guard isLeftover(link, settings, parent) else {
                let what = link.kind.map { "a \($0)" } ?? "a device"
                let parentText = link.parentIndex.map { " on interface \($0)" } ?? ""
                throw VMACError.nameTaken(
                    name: settings.name, by: "\(what)\(parentText), MAC \(link.mac?.description ?? "none")")
            }
            logger.info("VRRP_Instance(\(instance)) removing \(link.name), a VMAC left by an earlier run")
            try netlink.deleteLink(index: link.index)
        }
        let link = try netlink.createMacvlan(
            name: settings.name, parentIndex: parent.index, mac: settings.mac, mode: .private)
        let vmac = VMACInterface(settings: settings, parent: parent, link: link, netlink: netlink)
        do {
            for line in try vmac.configureBeforeUp() {
                logger.info("VRRP_Instance(\(instance)) \(line)")
            }
        } catch {
            try? netlink.deleteLink(index: link.index)
            throw error
        }
        do {
            try netlink.setLink(index: link.index, up: true)
            if settings.isIPv6 {
                let address = try vmac.addLinkLocalAddress(preferring: linkLocal)
                logger.info("VRRP_Instance(\(instance)) assigned \(address) to \(settings.name)")
            }
        } catch {
            _ = vmac.releaseSysctls()
            try? netlink.deleteLink(index: link.index)
            throw error
        }
        logger.info(
            "VRRP_Instance(\(instance)) created VMAC \(settings.name) on \(parentName) with MAC \(settings.mac)")
        return vmac
    }

    /// IPv4: the ARP and reverse-path sysctls (`VMACSysctls`). IPv6: `addr_gen_mode` 1 (none) on
    /// the macvlan before it goes up, so the kernel derives no link-local address from the
    /// shared MAC (keepalived 2.2.7 sets IFLA_INET6_ADDR_GEN_MODE at creation: measured, the
    /// only setting it makes for an IPv6 VMAC, on the macvlan or the parent).
    private func configureBeforeUp() throws(SysctlError) -> [String] {
        guard settings.isIPv6 else { return try VMACSysctls.shared.acquire(parent: parent.name, vmac: settings.name) }
        try Sysctl(family: "ipv6", interface: settings.name, name: "addr_gen_mode").write(1)
        return []
    }

    private func releaseSysctls() -> [String] {
        settings.isIPv6 ? [] : VMACSysctls.shared.release(parent: parent.name)
    }

    /// Gives an IPv6 VMAC the link-local address its adverts leave from, as keepalived does:
    /// `preferred` (a link-local `unicast_src_ip`), else the parent's link-local address, else
    /// the EUI-64 one of the parent's MAC. Deprecated and without DAD, since the parent holds
    /// the same address: the kernel keeps using the parent's for its own traffic.
    private func addLinkLocalAddress(preferring preferred: IPAddress?) throws -> IPAddress {
        let parentLinkLocal = try netlink.addresses(interfaceIndex: parent.index, family: .ipv6)
            .first { $0.scope == .link }?.address
        guard let address = preferred ?? parentLinkLocal ?? parent.mac.flatMap(Self.eui64LinkLocal) else {
            throw VMACError.noLinkLocalAddress(parent.name)
        }
        let entry = InterfaceAddress(
            address: address, prefixLength: 64, interfaceIndex: link.index, scope: .link, flags: .noDAD)
        do {
            try netlink.addAddress(entry, preferredLifetime: 0)
        } catch let error as NetlinkError where error.isAlreadyExists {}
        return address
    }

    /// fe80::/64 with the modified EUI-64 interface identifier of `mac` (RFC 4291 appendix A).
    static func eui64LinkLocal(_ mac: MACAddress) -> IPAddress? {
        let b = mac.bytes
        guard b.count == 6 else { return nil }
        let identifier = [b[0] ^ 0x02, b[1], b[2], 0xFF, 0xFE, b[3], b[4], b[5]]
        return IPAddress(family: .ipv6, bytes: [0xFE, 0x80, 0, 0, 0, 0, 0, 0] + identifier)
    }

    /// A macvlan on our parent with our MAC, or with our name and a VRRP MAC: ours from before.
    private static func isLeftover(_ link: Link, _ settings: VMACSettings, _ parent: Link) -> Bool {
        guard link.kind == "macvlan", link.parentIndex == parent.index else { return false }
        if link.mac == settings.mac { return true }
        guard link.name == settings.name, let bytes = link.mac?.bytes else { return false }
        return bytes[0..<4] == [0x00, 0x00, 0x5E, 0x00] && (bytes[4] == 0x01 || bytes[4] == 0x02)
    }

    /// Deletes the macvlan (its addresses go with it) and releases the sysctls.
    func remove(logger: Logger, instance: String) {
        do {
            try netlink.deleteLink(index: link.index)
            logger.info("VRRP_Instance(\(instance)) removed VMAC \(settings.name)")
        } catch let error as NetlinkError where error.isNotFound {
        } catch {
            logger.error("VRRP_Instance(\(instance)) cannot remove VMAC \(settings.name): \(error)")
        }
        for line in releaseSysctls() {
            logger.info("VRRP_Instance(\(instance)) \(line)")
        }
    }
}
