/// An instance's state, named as keepalived and the D-Bus `State` property name them.
public enum VRRPInstanceState: String, Sendable, Hashable, CustomStringConvertible {
    case initialize = "INIT"
    case backup = "BACKUP"
    case master = "MASTER"
    case fault = "FAULT"
    case stop = "STOP"

    public var description: String { rawValue }
}

/// The one timer an instance runs: the Master_Down_Timer while BACKUP, the Adver_Timer while
/// MASTER. Arming it replaces whatever was armed before.
public enum VRRPTimer: Sendable, Hashable {
    case masterDown
    case advertisement
}

/// The fields of a received, already validated advertisement that the state machine needs.
public struct VRRPReceivedAdvert: Sendable, Hashable {
    public var priority: UInt8
    /// The advert's interval: Max Adver Int (v3, centiseconds) or Adver Int (v2, seconds × 100).
    public var advertInterval: VRRPDuration
    /// The sender's primary address (the IP source address of the advert).
    public var sender: VRRPRouterAddress

    public init(priority: UInt8, advertInterval: VRRPDuration, sender: VRRPRouterAddress) {
        self.priority = priority
        self.advertInterval = advertInterval
        self.sender = sender
    }
}

/// What the daemon must do, in order, after an event.
public enum VRRPAction: Sendable, Hashable {
    /// Send one advertisement now with this priority (0 when giving up mastership) and the
    /// configured advert interval.
    case sendAdvert(priority: UInt8)
    /// Add the virtual addresses (and virtual routes and rules) of the instance.
    case addVirtualAddresses
    /// Remove the virtual addresses (and virtual routes and rules) of the instance.
    case removeVirtualAddresses
    /// Send gratuitous ARP / unsolicited neighbour advertisements for the virtual addresses.
    case sendGratuitousARP
    /// `garp_lower_prio_repeat`: as MASTER after a lower priority advert, `count` gratuitous
    /// ARPs now and, when `secondBurstAfter` is not zero, `count` more that long after.
    case sendGratuitousARPBurst(count: Int, secondBurstAfter: VRRPDuration)
    /// Arm the instance's timer to fire at this instant, replacing any armed timer.
    case armTimer(VRRPTimer, at: VRRPInstant)
    /// Disarm the instance's timer.
    case cancelTimer
    /// Run the instance's notify scripts for the new state (`notify_master`, `notify` ...).
    case notify(VRRPInstanceState)
    /// The state changed: emit `StateChanged(old, new, reason)` and update properties.
    case stateChanged(from: VRRPInstanceState, to: VRRPInstanceState, reason: String)
    /// The effective priority changed: update the `EffectivePriority` property.
    case effectivePriorityChanged(from: UInt8, to: UInt8)
    /// Log this line (keepalived's words, which people grep for).
    case log(String)
}

/// Every input the state machine takes, for callers that queue or forward events.
public enum VRRPEvent: Sendable, Hashable {
    case start
    case advertReceived(VRRPReceivedAdvert)
    case timerFired
    case trackedObjectChanged(VRRPTrackedObject.ID, VRRPTrackedObject.Status)
    /// A `track_file` holds a new number.
    case trackedFileChanged(VRRPTrackedObject.ID, value: Int)
    case shutdown
    case setPriority(UInt8)
    case resetPriority
    case switchover
    case reload(VRRPInstanceConfiguration)
}

/// A control request the instance cannot honour, with why.
public enum VRRPStateMachineError: Error, Sendable, Hashable {
    /// `SetPriority` takes 1...254: 0 would be a resignation, 255 an address-owner claim.
    case priorityOutOfRange(UInt8)
    /// Only a MASTER can hand its mastership over.
    case switchoverRequiresMaster(current: VRRPInstanceState)
    case unknownTrackedObject(VRRPTrackedObject.ID)
    case unknownMember(String)
    case emptySyncGroup(String)
    case duplicateMember(String)
}
