/// A `vrrp_sync_group`: instances that fail over together. It owns its members' machines and
/// forwards every member event through `handle(_:for:now:)`, then carries the group along:
/// - a member's own FAULT (a failing weight-0 tracked object) puts every member in FAULT; when
///   no member has one any more, all of them leave FAULT for BACKUP and re-elect;
/// - a member becoming MASTER makes every BACKUP member MASTER at once;
/// - a MASTER member falling back to BACKUP takes every MASTER member back to BACKUP;
/// - a member entering BACKUP while the group is MASTER (leaving INIT) is made MASTER too.
/// Unlike keepalived a member does not wait for the others to want MASTER first: the first
/// member to win its election carries the group.
public struct VRRPSyncGroup: Sendable {
    public enum Action: Sendable, Hashable {
        /// An action for one member, by instance name.
        case instance(String, VRRPAction)
        /// Run the group's notify scripts for its new state (`notify_master`, ... of the group).
        case notifyGroup(VRRPInstanceState)
        /// The group's state changed: update the `SyncGroup` object's `State`.
        case groupStateChanged(from: VRRPInstanceState, to: VRRPInstanceState)
        case log(String)
    }

    public let name: String
    public private(set) var state: VRRPInstanceState = .initialize
    /// The members, in configuration order.
    public private(set) var members: [VRRPStateMachine]

    /// Takes the members' fresh machines; a group needs at least one, with distinct names.
    public init(name: String, members: [VRRPStateMachine]) throws(VRRPStateMachineError) {
        guard !members.isEmpty else { throw .emptySyncGroup(name) }
        var names = Set<String>()
        for member in members where !names.insert(member.name).inserted {
            throw .duplicateMember(member.name)
        }
        self.name = name
        self.members = members
    }

    public func member(_ name: String) -> VRRPStateMachine? {
        members.first { $0.name == name }
    }

    /// Starts every member, then lines the group up (an address owner starting MASTER takes
    /// the others with it; a member in FAULT holds them all in FAULT).
    public mutating func start(now: VRRPInstant) -> [Action] {
        var actions: [Action] = []
        for index in members.indices {
            let memberName = members[index].name
            actions += members[index].start(now: now).map { .instance(memberName, $0) }
        }
        actions += reconcile(now: now)
        return actions
    }

    /// Stops every member (a MASTER sends priority 0) and the group.
    public mutating func shutdown(now: VRRPInstant) -> [Action] {
        var actions: [Action] = []
        for index in members.indices {
            let memberName = members[index].name
            actions += members[index].shutdown(now: now).map { .instance(memberName, $0) }
        }
        actions += setState(.stop)
        return actions
    }

    /// Gives one member an event, then carries the rest of the group along. `Switchover` on
    /// a member hands over every MASTER member at once (each sends priority 0 and holds off),
    /// so the group fails over as a whole; `ResetPriority` ends the hold of that member only.
    public mutating func handle(
        _ event: VRRPEvent, for memberName: String, now: VRRPInstant
    ) throws(VRRPStateMachineError) -> [Action] {
        guard let index = members.firstIndex(where: { $0.name == memberName }) else {
            throw .unknownMember(memberName)
        }
        guard state != .stop else { return [] }
        let before = members[index].state
        var actions = try members[index].handle(event, now: now).map { Action.instance(memberName, $0) }
        if event == .switchover {
            for other in members.indices where other != index && members[other].state == .master {
                let otherName = members[other].name
                actions += try members[other].switchover(now: now).map { .instance(otherName, $0) }
            }
        }
        actions += reconcile(now: now, trigger: (index, before))
        return actions
    }

    /// Lines the group up after `trigger` (member index, its state before the event) moved.
    private mutating func reconcile(now: VRRPInstant, trigger: (Int, VRRPInstanceState)? = nil) -> [Action] {
        let live = members.filter { $0.state != .stop }
        if live.contains(where: { $0.hasOwnFault }) {
            guard state != .fault else { return [] }
            return sync(to: .fault, now: now) { member, group, now in
                member.setHeldInFaultBySyncGroup(true, group: group, now: now)
            }
        }
        if state == .fault {
            return sync(to: .backup, now: now) { member, group, now in
                member.setHeldInFaultBySyncGroup(false, group: group, now: now)
            }
        }
        if let (index, before) = trigger, before == .master, members[index].state == .backup, state == .master {
            return sync(to: .backup, now: now) { member, group, now in
                member.followGroupToBackup(group: group, now: now)
            }
        }
        if state != .master && live.contains(where: { $0.state == .master }) {
            return sync(to: .master, now: now) { member, group, now in
                member.followGroupToMaster(group: group, now: now)
            }
        }
        if state == .master, let (index, _) = trigger, members[index].state == .backup {
            // A member that just left INIT (or lost a race) joins the group's MASTER state.
            let memberName = members[index].name
            return members[index].followGroupToMaster(group: name, now: now).map { .instance(memberName, $0) }
        }
        if state == .initialize && !live.isEmpty && live.allSatisfy({ $0.state == .backup }) {
            return setState(.backup)
        }
        return []
    }

    private mutating func sync(
        to target: VRRPInstanceState, now: VRRPInstant,
        _ move: (inout VRRPStateMachine, String, VRRPInstant) -> [VRRPAction]
    ) -> [Action] {
        var actions: [Action] = [.log("VRRP_Group(\(name)) Syncing instances to \(target) state")]
        for index in members.indices where members[index].state != .stop {
            let memberName = members[index].name
            actions += move(&members[index], name, now).map { .instance(memberName, $0) }
        }
        actions += setState(target)
        return actions
    }

    private mutating func setState(_ new: VRRPInstanceState) -> [Action] {
        guard new != state else { return [] }
        let old = state
        state = new
        return [.groupStateChanged(from: old, to: new), .notifyGroup(new)]
    }
}
