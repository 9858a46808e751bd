/// Traps in who becomes master: tracking weights too small to move a VIP, `state MASTER` taken
/// for an election result, and `nopreempt` that keepalived silently clears.
struct PriorityRules {
    let config: KeepalivedConfiguration

    /// keepalived's priority when none is written, which a peer outside this file most likely has.
    static let defaultPriority = 100
    static let ownerPriority = 255

    func findings() -> [LintFinding] {
        config.instances.flatMap { weightFindings($0) + stateFindings($0) }
    }

    // MARK: weight-too-small

    /// The priority a healthy backup of `instance` would have: the highest lower priority among
    /// instances of this file with the same VRID on the same link, else keepalived's default when
    /// this instance looks like the master. Nil when there is nothing to compare with.
    func backupPriority(of instance: VRRPInstance) -> (priority: Int, inFile: Bool)? {
        let peers = config.instances.filter {
            $0.name != instance.name && $0.virtualRouterID == instance.virtualRouterID
                && $0.interface == instance.interface && $0.isIPv6 == instance.isIPv6
                && $0.priority < instance.priority
        }
        if let best = peers.map(\.priority).max() { return (best, true) }
        let looksMaster = instance.initialState == .master || instance.priority > Self.defaultPriority
        return looksMaster ? (Self.defaultPriority, false) : nil
    }

    /// Tracked items whose own weight applies (members of a sync group without
    /// `sync_group_tracking_weight` go to FAULT instead, which always moves the VIP).
    func weightedItems(of instance: VRRPInstance) -> [(kind: String, item: TrackedItem, weight: Int)] {
        let inGroup = config.syncGroups.first { $0.members.contains(instance.name) }
        if let inGroup, !inGroup.syncGroupTrackingWeight { return [] }
        var items: [(String, TrackedItem, Int)] = []
        for item in instance.trackScripts {
            guard let script = config.scripts.first(where: { $0.name == item.name }) else { continue }
            let weight = item.weight ?? script.weight
            let reverse = item.weight == nil ? script.reverse : item.reverse
            if weight < 0 && !reverse { items.append(("track_script", item, weight)) }
        }
        for item in instance.trackInterfaces {
            if let weight = item.weight, weight < 0, !item.reverse { items.append(("track_interface", item, weight)) }
        }
        return items
    }

    func weightFindings(_ instance: VRRPInstance) -> [LintFinding] {
        let items = weightedItems(of: instance)
        guard !items.isEmpty else { return [] }
        let name = instance.name
        if instance.priority == Self.ownerPriority {
            return items.map { kind, item, weight in
                LintFinding(
                    .weightTooSmall, at: item.origin.location ?? unknownLocation,
                    "(\(name)) \(kind) \(item.name) weight \(weight) is ignored at priority 255",
                    why: "an address owner's priority never changes, so a failing check leaves this node master",
                    fix:
                        "use a priority below 255 (e.g. 150) so the weight applies, or drop the weight so a failure means FAULT"
                )
            }
        }
        guard let (backup, inFile) = backupPriority(of: instance) else { return [] }
        let whose = inFile ? "the backup's \(backup) in this file" : "\(backup), keepalived's default for a backup"
        return items.compactMap { kind, item, weight in
            let failed = instance.priority + weight
            guard failed >= backup else { return nil }
            let needed = instance.priority - backup + 1
            let tie = failed == backup ? " (a tie goes to the higher primary address, not to the healthy node)" : ""
            return LintFinding(
                .weightTooSmall, at: item.origin.location ?? unknownLocation,
                "(\(name)) \(kind) \(item.name) weight \(weight) cannot move the VIP: "
                    + "priority \(instance.priority) drops to \(failed), not below \(whose)",
                why: "when the check fails this node keeps winning the election\(tie), so it stays master "
                    + "with the broken service",
                fix: "make the weight at least \(needed) in size (weight -\(needed)), or lower the priority "
                    + "to \(backup - weight - 1) so that a failure drops below the backup")
        }
    }

    // MARK: master-below-255, nopreempt-with-master

    func stateFindings(_ instance: VRRPInstance) -> [LintFinding] {
        var findings: [LintFinding] = []
        let name = instance.name
        if instance.initialState == .master && instance.priority < Self.ownerPriority {
            findings.append(
                LintFinding(
                    .masterBelowOwner, at: instance.origin.at("state"),
                    "(\(name)) state MASTER with priority \(instance.priority) does not make this node the master",
                    why: "state is only the starting state: the highest priority in the adverts wins, so this node "
                        + "claims the VIP at start and hands it over again when a higher priority peer is heard",
                    fix: "write 'state BACKUP' on every node and let 'priority' choose the master "
                        + "(or 'priority 255' if this node owns the addresses)"))
        }
        if instance.origin.keywords["nopreempt"] != nil && instance.preempt {
            let reason =
                instance.priority == Self.ownerPriority
                ? "priority 255 always preempts" : "keepalived clears nopreempt when the state is MASTER"
            findings.append(
                LintFinding(
                    .nopreemptWithMaster, at: instance.origin.at("nopreempt"),
                    "(\(name)) nopreempt has no effect here",
                    why: "\(reason), so a recovering node takes the VIP back and the service flaps twice",
                    fix: "write 'state BACKUP' (and a priority below 255) on every node of this VRID with nopreempt"))
        }
        return findings
    }
}
