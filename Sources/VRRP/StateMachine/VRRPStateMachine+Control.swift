/// Tracked objects and the D-Bus control methods (`SetPriority`, `ResetPriority`, `Switchover`).
extension VRRPStateMachine {
    /// A tracked object's status changed: the effective priority follows its weight, and a
    /// weight-0 object decides FAULT (left for BACKUP and a new election when all recover).
    public mutating func updateTrackedObject(
        _ id: VRRPTrackedObject.ID, status: VRRPTrackedObject.Status, now: VRRPInstant
    ) throws(VRRPStateMachineError) -> [VRRPAction] {
        guard let index = trackedObjects.firstIndex(where: { $0.id == id }) else {
            throw .unknownTrackedObject(id)
        }
        guard trackedObjects[index].status != status else { return [] }
        trackedObjects[index].status = status
        var actions: [VRRPAction] = []
        reevaluate(now: now, cause: "\(id) is \(status.rawValue)", into: &actions)
        return actions
    }

    /// A tracked file holds a new number: the effective priority follows its `fileStatus`, and
    /// a FAULT status (-254) holds the instance in FAULT until the file says otherwise.
    public mutating func updateTrackedFile(
        _ id: VRRPTrackedObject.ID, value: Int, now: VRRPInstant
    ) throws(VRRPStateMachineError) -> [VRRPAction] {
        guard let index = trackedObjects.firstIndex(where: { $0.id == id }) else {
            throw .unknownTrackedObject(id)
        }
        guard trackedObjects[index].value != value else { return [] }
        trackedObjects[index].value = value
        var actions: [VRRPAction] = []
        reevaluate(now: now, cause: "\(id) is \(value)", into: &actions)
        return actions
    }

    /// `SetPriority(y)`: replaces the configured priority (tracking still applies on top)
    /// until `ResetPriority`. Takes 1...254. Nothing is sent at once: a MASTER's next advert
    /// carries the new priority, and a BACKUP's master-down deadline moves with its Skew_Time.
    public mutating func setPriority(_ priority: UInt8, now: VRRPInstant) throws(VRRPStateMachineError) -> [VRRPAction]
    {
        guard (1...254).contains(priority) else { throw .priorityOutOfRange(priority) }
        guard state != .stop else { return [] }
        priorityOverride = priority
        var actions: [VRRPAction] = [.log("\(logPrefix) priority set to \(priority)")]
        updateEffectivePriority(into: &actions)
        return actions
    }

    /// `ResetPriority()`: back to the configured priority, and ends a `Switchover` hold.
    public mutating func resetPriority(now: VRRPInstant) -> [VRRPAction] {
        guard state != .stop else { return [] }
        priorityOverride = nil
        holdsBackupAfterSwitchover = false
        var actions: [VRRPAction] = [.log("\(logPrefix) priority reset to \(configuration.priority)")]
        updateEffectivePriority(into: &actions)
        return actions
    }

    /// `Switchover()`: a MASTER sends priority 0 and drops to BACKUP, so every backup arms its
    /// timer to its own Skew_Time and the highest-priority one takes over first, after the
    /// shortest gap. This instance then accepts any master's adverts (no preemption back)
    /// until `ResetPriority`. If no backup answers, its own Master_Down_Interval brings it back.
    public mutating func switchover(now: VRRPInstant) throws(VRRPStateMachineError) -> [VRRPAction] {
        guard state == .master else { throw .switchoverRequiresMaster(current: state) }
        guard !isHandingOver else { return [] }
        holdsBackupAfterSwitchover = true
        isHandingOver = true
        // Priority 0 makes each backup arm its Skew_Time, so the best one takes over first. The
        // addresses stay here until its advert arrives; adverts stop, and the one timer becomes
        // the fallback in case no backup answers within Master_Down_Interval.
        var actions: [VRRPAction] = [
            .log("\(logPrefix) switchover requested - sending 0 priority, holding VIPs until a new master advertises"),
            .sendAdvert(priority: 0),
        ]
        arm(.masterDown, at: now + masterDownInterval, into: &actions)
        return actions
    }
}

extension VRRPStateMachine {
    /// A reload changed this instance's block: the state is kept (keepalived keeps the state
    /// of an instance that still exists), tracked objects that are still tracked keep their
    /// status, and `SetPriority`/`Switchover` overrides end. Priority, preemption, interval
    /// and tracking take effect as if they had changed at `now`. A renamed instance, or one
    /// moved to another protocol version, is a new instance: make a new machine for it.
    public mutating func reload(_ new: VRRPInstanceConfiguration, now: VRRPInstant) -> [VRRPAction] {
        guard state != .stop else { return [] }
        let statuses = Dictionary(trackedObjects.map { ($0.id, $0.status) }, uniquingKeysWith: { first, _ in first })
        let values = Dictionary(trackedObjects.map { ($0.id, $0.value) }, uniquingKeysWith: { first, _ in first })
        let intervalChanged = new.advertInterval != configuration.advertInterval
        configuration = new
        trackedObjects = new.trackedObjects.map { object in
            var kept = object
            kept.status = statuses[object.id] ?? object.status
            if object.value != nil, let value = values[object.id] ?? nil { kept.value = value }
            return kept
        }
        priorityOverride = nil
        holdsBackupAfterSwitchover = false
        if configuration.preemptDelay == .zero {
            preemptDeadline = nil
        }
        var actions: [VRRPAction] = []
        if intervalChanged && (state != .backup || configuration.version == .v2) {
            masterAdvertInterval = configuration.advertInterval
        }
        if intervalChanged && state == .master {
            arm(.advertisement, at: now + configuration.advertInterval, into: &actions)
        }
        reevaluate(now: now, cause: "reload", into: &actions)
        if state == .master {
            masterAddress = configuration.primaryAddress
        }
        return actions
    }
}

/// Moves a sync group imposes on its members (see `VRRPSyncGroup`).
extension VRRPStateMachine {
    mutating func setHeldInFaultBySyncGroup(_ held: Bool, group: String, now: VRRPInstant) -> [VRRPAction] {
        guard isHeldInFaultBySyncGroup != held else { return [] }
        isHeldInFaultBySyncGroup = held
        syncGroupName = group
        var actions: [VRRPAction] = []
        let cause = held ? "sync group \(group) went FAULT" : "sync group \(group) left FAULT"
        reevaluate(now: now, cause: cause, into: &actions)
        return actions
    }

    mutating func followGroupToMaster(group: String, now: VRRPInstant) -> [VRRPAction] {
        guard state == .backup else { return [] }
        var actions: [VRRPAction] = []
        becomeMaster(now: now, reason: "sync group \(group) went MASTER", into: &actions)
        return actions
    }

    mutating func followGroupToBackup(group: String, now: VRRPInstant) -> [VRRPAction] {
        guard state == .master else { return [] }
        var actions: [VRRPAction] = []
        enterBackup(now: now, reason: "sync group \(group) went BACKUP", downTimer: masterDownInterval, into: &actions)
        return actions
    }
}
