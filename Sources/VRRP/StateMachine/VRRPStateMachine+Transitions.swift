/// State entries shared by every event: each appends its actions in the order the daemon must
/// perform them (keepalived's order: advert before addresses, so the old master lets go first).
extension VRRPStateMachine {
    var logPrefix: String { "VRRP_Instance(\(configuration.name))" }

    mutating func record(
        _ new: VRRPInstanceState, from old: VRRPInstanceState, now: VRRPInstant, reason: String,
        into actions: inout [VRRPAction]
    ) {
        state = new
        if new != .master { isHandingOver = false }
        lastTransition = now
        lastReason = reason
        actions.append(.stateChanged(from: old, to: new, reason: reason))
    }

    mutating func arm(_ kind: VRRPTimer, at deadline: VRRPInstant, into actions: inout [VRRPAction]) {
        timer = ArmedTimer(kind: kind, deadline: deadline)
        actions.append(.armTimer(kind, at: deadline))
    }

    mutating func disarm(into actions: inout [VRRPAction]) {
        guard timer != nil else { return }
        timer = nil
        actions.append(.cancelTimer)
    }

    /// INIT → FAULT, BACKUP or MASTER once nothing holds the instance back (see `start`).
    mutating func leaveInitialize(now: VRRPInstant, cause: String, into actions: inout [VRRPAction]) {
        if hasFault {
            enterFault(now: now, reason: faultReason ?? cause, into: &actions)
            return
        }
        if let pending = trackedObjects.first(where: { $0.weight == 0 && $0.status == .unknown }) {
            actions.append(.log("\(logPrefix) waiting for the status of \(pending.id) before leaving INIT"))
            return
        }
        let wish = configuration.initialState ?? (configuration.priority == 255 ? .master : .backup)
        if wish == .master && isAddressOwner {
            becomeMaster(now: now, reason: "address owner (priority 255) at \(cause)", into: &actions)
            return
        }
        actions.append(.removeVirtualAddresses)
        masterAdvertInterval = configuration.advertInterval
        if wish == .master {
            // keepalived lets one advert interval pass to be sure no other master is there.
            let wait = masterAdvertInterval + skew(forPriorityGap: 1)
            enterBackup(now: now, reason: cause, downTimer: wait, into: &actions)
            masterDownReason = "initial state MASTER and no higher priority master seen"
        } else {
            enterBackup(now: now, reason: cause, downTimer: masterDownInterval, into: &actions)
        }
    }

    /// → MASTER: advertise at once, take the addresses, announce them, notify.
    mutating func becomeMaster(now: VRRPInstant, reason: String, into actions: inout [VRRPAction]) {
        let old = state
        masterAdvertInterval = configuration.advertInterval
        masterAddress = configuration.primaryAddress
        masterPriority = effectivePriority
        preemptDeadline = nil
        actions.append(.log("\(logPrefix) Transition to MASTER STATE"))
        actions.append(.sendAdvert(priority: effectivePriority))
        actions.append(.log("\(logPrefix) Entering MASTER STATE"))
        record(.master, from: old, now: now, reason: reason, into: &actions)
        actions.append(.addVirtualAddresses)
        actions.append(.sendGratuitousARP)
        actions.append(.notify(.master))
        arm(.advertisement, at: now + configuration.advertInterval, into: &actions)
    }

    /// → BACKUP with the master-down timer at `now + downTimer`; a MASTER drops its addresses.
    mutating func enterBackup(
        now: VRRPInstant, reason: String, downTimer: VRRPDuration, into actions: inout [VRRPAction]
    ) {
        let old = state
        preemptDeadline = nil
        masterDownReason = "master down timer expired"
        if old == .master {
            masterAddress = nil
            masterPriority = nil
        }
        actions.append(.log("\(logPrefix) Entering BACKUP STATE"))
        record(.backup, from: old, now: now, reason: reason, into: &actions)
        if old == .master {
            actions.append(.removeVirtualAddresses)
        }
        actions.append(.notify(.backup))
        arm(.masterDown, at: now + downTimer, into: &actions)
    }

    /// → FAULT: a MASTER resigns with priority 0 and drops its addresses; no timer runs.
    mutating func enterFault(now: VRRPInstant, reason: String, into actions: inout [VRRPAction]) {
        let old = state
        actions.append(.log("\(logPrefix) Entering FAULT STATE"))
        if old == .master {
            actions.append(.sendAdvert(priority: 0))
        }
        record(.fault, from: old, now: now, reason: reason, into: &actions)
        if old == .master || old == .initialize {
            actions.append(.removeVirtualAddresses)
        }
        disarm(into: &actions)
        masterAdvertInterval = configuration.advertInterval
        masterAddress = nil
        masterPriority = nil
        preemptDeadline = nil
        actions.append(.notify(.fault))
    }

    /// FAULT → BACKUP once nothing holds the instance down: a fresh election from scratch.
    mutating func leaveFault(now: VRRPInstant, reason: String, into actions: inout [VRRPAction]) {
        masterAdvertInterval = configuration.advertInterval
        enterBackup(now: now, reason: reason, downTimer: masterDownInterval, into: &actions)
    }

    /// Why the instance is in FAULT, naming the first object that holds it there.
    var faultReason: String? {
        if let object = trackedObjects.first(where: { $0.forcesFault }) {
            return "\(object.id) is \(object.status.rawValue)"
        }
        return isHeldInFaultBySyncGroup ? "sync group \(syncGroupName ?? "") went FAULT" : nil
    }

    /// Brings state and effective priority in line with the tracked objects and the fault
    /// flags after any of them changed.
    mutating func reevaluate(now: VRRPInstant, cause: String, into actions: inout [VRRPAction]) {
        guard state != .stop else { return }
        updateEffectivePriority(into: &actions)
        switch state {
        case .initialize:
            if startRequested { leaveInitialize(now: now, cause: cause, into: &actions) }
        case .fault:
            if !hasFault { leaveFault(now: now, reason: cause, into: &actions) }
        case .backup, .master:
            if hasFault { enterFault(now: now, reason: faultReason ?? cause, into: &actions) }
        case .stop:
            break
        }
    }

    /// Recomputes the effective priority; while BACKUP the master-down deadline moves by the
    /// change in Skew_Time, as keepalived does.
    mutating func updateEffectivePriority(into actions: inout [VRRPAction]) {
        let new = computedEffectivePriority
        guard new != effectivePriority else { return }
        let old = effectivePriority
        let oldSkew = skewTime
        effectivePriority = new
        actions.append(.log("\(logPrefix) Changing effective priority from \(old) to \(new)"))
        actions.append(.effectivePriorityChanged(from: old, to: new))
        if state == .master {
            masterPriority = new
        }
        if state == .backup, let armed = timer, armed.kind == .masterDown {
            arm(.masterDown, at: armed.deadline + (skewTime - oldSkew), into: &actions)
        }
    }
}
