/// One VRRP instance's state machine (RFC 5798 §6.4, RFC 3768 §6.4, with keepalived's FAULT
/// and STOP states). A value: every event is a `mutating` call given the current instant, and
/// returns what the daemon must do. It never reads a clock, sleeps or touches the network.
///
/// The daemon keeps one timer per instance: it performs `.armTimer`/`.cancelTimer` actions
/// and calls `timerFired(now:)` when the armed instant is reached (early calls are ignored).
public struct VRRPStateMachine: Sendable {
    /// A timer the machine has asked for and not yet seen fire.
    public struct ArmedTimer: Sendable, Hashable {
        public var kind: VRRPTimer
        public var deadline: VRRPInstant

        public init(kind: VRRPTimer, deadline: VRRPInstant) {
            self.kind = kind
            self.deadline = deadline
        }
    }

    /// The instance's configuration; replaced only by `reload(_:now:)`.
    public internal(set) var configuration: VRRPInstanceConfiguration
    public internal(set) var state: VRRPInstanceState = .initialize
    /// When the state last changed; nil until the first transition.
    public internal(set) var lastTransition: VRRPInstant?
    /// Why the state last changed, in words for `LastReason` and `StateChanged`.
    public internal(set) var lastReason: String = "not started"
    /// Configured priority, adjusted by tracked objects and clamped to 1...254 (255 stays 255).
    public internal(set) var effectivePriority: UInt8
    /// The interval used for Master_Down_Interval: learned from the master's adverts in v3.
    public internal(set) var masterAdvertInterval: VRRPDuration
    /// The current master's primary address (ours while MASTER), when known.
    public internal(set) var masterAddress: VRRPRouterAddress?
    /// The current master's advertised priority, when known.
    public internal(set) var masterPriority: UInt8?
    /// `SetPriority` value replacing the configured priority until `ResetPriority`.
    public internal(set) var priorityOverride: UInt8?
    /// Set by `Switchover`: stay BACKUP (accept any master) until `ResetPriority`.
    public internal(set) var holdsBackupAfterSwitchover = false
    /// Set by `Switchover` while still MASTER: priority 0 was sent and the addresses are kept
    /// until the new master's first advert, so clients never see a gap (make before break).
    public internal(set) var isHandingOver = false
    public internal(set) var trackedObjects: [VRRPTrackedObject]
    public internal(set) var timer: ArmedTimer?
    /// When a running `preempt_delay` ends; nil when none is running.
    public internal(set) var preemptDeadline: VRRPInstant?
    /// Set by a sync group while another member is in FAULT.
    public internal(set) var isHeldInFaultBySyncGroup = false

    var startRequested = false
    /// The sync group this instance belongs to, once the group has moved it.
    var syncGroupName: String?
    /// Why the master-down timer will have fired, if it does: kept for `lastReason`.
    var masterDownReason = "master down timer expired"

    public init(configuration: VRRPInstanceConfiguration) {
        self.configuration = configuration
        self.trackedObjects = configuration.trackedObjects
        self.masterAdvertInterval = configuration.advertInterval
        self.effectivePriority = configuration.priority
        self.effectivePriority = computedEffectivePriority
    }

    public var name: String { configuration.name }

    /// The priority tracking starts from: the `SetPriority` override, else the configured one.
    public var basePriority: UInt8 { priorityOverride ?? configuration.priority }

    /// Priority 255: the router owns the virtual addresses and takes over without waiting.
    public var isAddressOwner: Bool { basePriority == 255 }

    /// Skew_Time: v2 `(256 − priority) / 256` s; v3 `((256 − priority) × Master_Adver_Interval)
    /// / 256` cs. Both are rounded down to the centisecond.
    public var skewTime: VRRPDuration { skew(forPriorityGap: 256 - Int64(effectivePriority)) }

    /// Master_Down_Interval: `3 × Master_Adver_Interval + Skew_Time` (`down_timer_adverts`
    /// replaces the 3).
    public var masterDownInterval: VRRPDuration {
        Int64(configuration.advertPolicy.downTimerAdverts) * masterAdvertInterval + skewTime
    }

    /// Whether a weight-0 tracked object (or the sync group) holds the instance in FAULT.
    public var hasFault: Bool { isHeldInFaultBySyncGroup || hasOwnFault }

    /// Whether one of this instance's own weight-0 tracked objects holds it in FAULT.
    public var hasOwnFault: Bool { trackedObjects.contains { $0.forcesFault } }

    func skew(forPriorityGap gap: Int64) -> VRRPDuration {
        switch configuration.version {
        case .v2: .centiseconds(gap * 100 / 256)
        case .v3: .centiseconds(gap * masterAdvertInterval.centiseconds / 256)
        }
    }

    var computedEffectivePriority: UInt8 {
        guard !isAddressOwner else { return 255 }
        let total = Int(basePriority) + trackedObjects.reduce(0) { $0 + $1.priorityAdjustment }
        return UInt8(min(max(total, 1), 254))
    }

    /// Dispatches an event to the matching call below.
    public mutating func handle(_ event: VRRPEvent, now: VRRPInstant) throws(VRRPStateMachineError) -> [VRRPAction] {
        switch event {
        case .start: return start(now: now)
        case .advertReceived(let advert): return receiveAdvert(advert, now: now)
        case .timerFired: return timerFired(now: now)
        case .trackedObjectChanged(let id, let status): return try updateTrackedObject(id, status: status, now: now)
        case .trackedFileChanged(let id, let value): return try updateTrackedFile(id, value: value, now: now)
        case .shutdown: return shutdown(now: now)
        case .setPriority(let priority): return try setPriority(priority, now: now)
        case .resetPriority: return resetPriority(now: now)
        case .switchover: return try switchover(now: now)
        case .reload(let configuration): return reload(configuration, now: now)
        }
    }

    /// Leaves INIT (keepalived 2.x `vrrp_init_state`):
    /// - a weight-0 tracked object failing: FAULT;
    /// - a weight-0 tracked object still `unknown`: stays INIT until its status is known;
    /// - address owner (priority 255) wishing MASTER (`state MASTER` or no `state`): MASTER now;
    /// - `state MASTER` below 255: BACKUP, MASTER after `advert_int + Skew_Time(priority 255)`
    ///   unless an advert of equal or higher priority arrives first;
    /// - otherwise BACKUP, MASTER after Master_Down_Interval without adverts.
    /// Leftover virtual addresses are removed unless the instance becomes MASTER.
    public mutating func start(now: VRRPInstant) -> [VRRPAction] {
        guard state == .initialize, !startRequested else { return [] }
        startRequested = true
        var actions: [VRRPAction] = []
        leaveInitialize(now: now, cause: "startup", into: &actions)
        return actions
    }

    /// Master_Down_Timer or Adver_Timer expiry. Calls before the armed deadline do nothing.
    public mutating func timerFired(now: VRRPInstant) -> [VRRPAction] {
        guard let armed = timer, now >= armed.deadline else { return [] }
        var actions: [VRRPAction] = []
        switch (state, armed.kind) {
        case (.backup, .masterDown):
            becomeMaster(now: now, reason: masterDownReason, into: &actions)
        case (.master, .advertisement):
            actions.append(.sendAdvert(priority: effectivePriority))
            arm(.advertisement, at: now + configuration.advertInterval, into: &actions)
        case (.master, .masterDown) where isHandingOver:
            // Nobody took over: stay MASTER rather than leave the addresses unowned.
            isHandingOver = false
            holdsBackupAfterSwitchover = false
            actions.append(.log("\(logPrefix) switchover: no backup took over, staying MASTER"))
            actions.append(.sendAdvert(priority: effectivePriority))
            arm(.advertisement, at: now + configuration.advertInterval, into: &actions)
        default:
            timer = nil
            actions.append(.cancelTimer)
        }
        return actions
    }

    /// Stops the instance for good: a MASTER sends priority 0 so a backup takes over after
    /// its Skew_Time, and removes its virtual addresses.
    public mutating func shutdown(now: VRRPInstant) -> [VRRPAction] {
        guard state != .stop else { return [] }
        var actions: [VRRPAction] = []
        let old = state
        if old == .master {
            actions.append(.sendAdvert(priority: 0))
            actions.append(.log("\(logPrefix) sent 0 priority"))
            actions.append(.removeVirtualAddresses)
        }
        disarm(into: &actions)
        record(.stop, from: old, now: now, reason: "shutdown", into: &actions)
        actions.append(.notify(.stop))
        return actions
    }
}
