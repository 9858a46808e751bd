import Logging
import Netlink

/// Why a VMAC cannot be set up.
public enum VMACError: Error, Hashable, Sendable, CustomStringConvertible {
    case noParent(String)
    /// The name is taken by a link that is not a macvlan of the parent: not ours to remove.
    case nameTaken(name: String, by: String)

    public var description: String {
        switch self {
        case .noParent(let parent): "no interface \(parent) to put a VMAC on"
        case .nameTaken(let name, let other): "\(name) exists and is not our VMAC (\(other)); not touching it"
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
        _ settings: VMACSettings, parent parentName: String, netlink: RouteNetlink, logger: Logger, instance: String
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
        do {
            for line in try VMACSysctls.shared.acquire(parent: parentName, vmac: settings.name) {
                logger.info("VRRP_Instance(\(instance)) \(line)")
            }
        } catch {
            try? netlink.deleteLink(index: link.index)
            throw error
        }
        do {
            try netlink.setLink(index: link.index, up: true)
        } catch {
            _ = VMACSysctls.shared.release(parent: parentName)
            try? netlink.deleteLink(index: link.index)
            throw error
        }
        logger.info(
            "VRRP_Instance(\(instance)) created VMAC \(settings.name) on \(parentName) with MAC \(settings.mac)")
        return VMACInterface(settings: settings, parent: parent, link: link, netlink: netlink)
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
        for line in VMACSysctls.shared.release(parent: parent.name) {
            logger.info("VRRP_Instance(\(instance)) \(line)")
        }
    }
}
