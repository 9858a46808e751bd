/// Traps between instances on one link: clashing VRIDs, sync groups that fail over at different
/// speeds, and unicast adverts sent to ourselves.
struct VRRPRules {
    let config: KeepalivedConfiguration

    func findings() -> [LintFinding] {
        duplicateVRIDs() + syncGroupIntervals() + config.instances.flatMap(unicastSelf)
    }

    /// The same VRID twice on one interface and family: both instances read each other's adverts
    /// and share the virtual MAC 00:00:5e:00:01:VRID.
    func duplicateVRIDs() -> [LintFinding] {
        struct Link: Hashable {
            var vrid: Int
            var interface: String?
            var ipv6: Bool
        }
        var first: [Link: VRRPInstance] = [:]
        var findings: [LintFinding] = []
        // Without an interface (unicast only) the peers, not the link, keep routers apart.
        for instance in config.instances where instance.interface != nil {
            let link = Link(vrid: instance.virtualRouterID, interface: instance.interface, ipv6: instance.isIPv6)
            guard let earlier = first[link] else {
                first[link] = instance
                continue
            }
            let used = Set(config.instances.filter { $0.interface == instance.interface }.map(\.virtualRouterID))
            let free = (1...255).first { !used.contains($0) }.map { " (\($0) is free)" } ?? ""
            let on = instance.interface.map { " on \($0)" } ?? ""
            findings.append(
                LintFinding(
                    .duplicateVRID, at: instance.origin.at("virtual_router_id"),
                    "(\(instance.name)) virtual_router_id \(instance.virtualRouterID)\(on) is already used by "
                        + "\(earlier.name)",
                    why: "VRRP tells routers apart only by VRID on a link: each instance takes the other's adverts "
                        + "as its own router's, with the wrong addresses and priority, and both use one virtual MAC",
                    fix: "give \(instance.name) a virtual_router_id not used\(on)\(free)"))
        }
        return findings
    }

    /// Members of one sync group with different `advert_int`.
    func syncGroupIntervals() -> [LintFinding] {
        config.syncGroups.flatMap { group -> [LintFinding] in
            let members = group.members.compactMap { name in config.instances.first { $0.name == name } }
            guard let leader = members.first else { return [] }
            return members.dropFirst().filter { $0.advertInterval != leader.advertInterval }.map { member in
                LintFinding(
                    .syncGroupAdvertInterval, at: member.origin.at("advert_int"),
                    "(\(member.name)) advert_int \(member.advertInterval.lintText) differs from "
                        + "\(leader.name)'s \(leader.advertInterval.lintText) in sync group \(group.name)",
                    why: "each member detects a dead master after about 3 of its own intervals, so after a failure "
                        + "the members take over at different times and the group is split meanwhile",
                    fix: "use 'advert_int \(leader.advertInterval.lintText)' in every member of \(group.name)")
            }
        }
    }

    /// A unicast peer that is this instance's own `unicast_src_ip`.
    func unicastSelf(_ instance: VRRPInstance) -> [LintFinding] {
        guard let source = instance.sourceAddress else { return [] }
        return instance.unicastPeers.filter { $0.address == source }.map { peer in
            LintFinding(
                .unicastPeerIsSelf, at: peer.origin.location ?? instance.origin.at("unicast_peer"),
                "(\(instance.name)) unicast_peer \(peer.address) is this node's own unicast_src_ip",
                why: "adverts sent to ourselves never reach the other nodes; without their real addresses "
                    + "the peers do not hear this master and also become master",
                fix: "list only the other nodes' addresses in unicast_peer (the same file on every node may use "
                    + "@id lines to leave out its own)")
        }
    }
}

extension Double {
    /// `1`, `0.5`: an interval as it would be written.
    var lintText: String {
        self == rounded() ? String(Int(self)) : String(self)
    }
}
