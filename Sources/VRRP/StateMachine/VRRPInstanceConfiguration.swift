/// What one `vrrp_instance` block tells the state machine. Addresses, interfaces and scripts
/// stay with the daemon; only what drives elections and timers is here.
public struct VRRPInstanceConfiguration: Sendable, Hashable {
    /// VRRPv2 (RFC 3768, intervals in whole seconds) or VRRPv3 (RFC 5798, centiseconds).
    public enum ProtocolVersion: Sendable, Hashable {
        case v2
        case v3
    }

    /// The `state` keyword: only the initial wish, see `VRRPStateMachine.start(now:)`.
    public enum InitialState: Sendable, Hashable {
        case backup
        case master
    }

    public var name: String
    public var version: ProtocolVersion
    /// `priority`, 1...255; 255 makes this router the address owner.
    public var priority: UInt8
    /// `advert_int`: whole seconds (1...255) for v2, 1...4095 centiseconds for v3.
    public var advertInterval: VRRPDuration
    /// `state`; nil derives it from the priority as keepalived does (255 → MASTER).
    public var initialState: InitialState?
    /// False with `nopreempt`.
    public var preempt: Bool
    /// `preempt_delay`, 0...1000 s.
    public var preemptDelay: VRRPDuration
    /// This router's primary address on the VRRP interface (the advert source).
    public var primaryAddress: VRRPRouterAddress
    /// `track_script`, `track_interface`, `track_file`, ...: each with its weight.
    public var trackedObjects: [VRRPTrackedObject]
    /// `lower_prio_no_advert`, `higher_prio_send_advert`, `garp_lower_prio_*`, `down_timer_adverts`.
    public var advertPolicy: VRRPAdvertPolicy = .keepalivedDefault

    /// Checks every value the way keepalived's parser bounds them and applies keepalived's
    /// normalisation: `nopreempt` and `preempt_delay` are cleared when `state MASTER` is set.
    public init(
        name: String,
        version: ProtocolVersion = .v2,
        priority: UInt8 = 100,
        advertInterval: VRRPDuration = .seconds(1),
        initialState: InitialState? = nil,
        preempt: Bool = true,
        preemptDelay: VRRPDuration = .zero,
        primaryAddress: VRRPRouterAddress,
        trackedObjects: [VRRPTrackedObject] = [],
        advertPolicy: VRRPAdvertPolicy = .keepalivedDefault
    ) throws(VRRPConfigurationError) {
        guard !name.isEmpty else { throw .emptyName }
        guard priority >= 1 else { throw .priorityOutOfRange(priority) }
        switch version {
        case .v2:
            guard advertInterval.isWholeSeconds, (1...255).contains(advertInterval.centiseconds / 100)
            else { throw .advertIntervalOutOfRange(advertInterval, version) }
        case .v3:
            guard (1...4095).contains(advertInterval.centiseconds)
            else { throw .advertIntervalOutOfRange(advertInterval, version) }
        }
        guard preemptDelay >= .zero, preemptDelay <= .seconds(1000) else {
            throw .preemptDelayOutOfRange(preemptDelay)
        }
        var seen = Set<VRRPTrackedObject.ID>()
        for object in trackedObjects {
            guard (-254...254).contains(object.weight) else {
                throw .weightOutOfRange(object.id, object.weight)
            }
            guard seen.insert(object.id).inserted else { throw .duplicateTrackedObject(object.id) }
        }
        let startsAsMaster = initialState == .master
        self.name = name
        self.version = version
        self.priority = priority
        self.advertInterval = advertInterval
        self.initialState = initialState
        self.preempt = startsAsMaster ? true : preempt
        self.preemptDelay = startsAsMaster || !preempt ? .zero : preemptDelay
        self.primaryAddress = primaryAddress
        self.trackedObjects = trackedObjects
        self.advertPolicy = advertPolicy
    }
}

/// Something an instance tracks (`track_script`, `track_interface`, `track_file`, ...). The
/// daemon owns the objects; the machine only needs their status and weight.
public struct VRRPTrackedObject: Sendable, Hashable, Identifiable {
    public enum Kind: String, Sendable, Hashable {
        case script
        case interface
        case file
        case process
        case bfd
    }

    public enum Status: String, Sendable, Hashable {
        /// Not yet known (a script that has not run yet).
        case unknown = "INIT"
        case ok = "OK"
        case failed = "FAILED"
    }

    /// Kind and name together: a script and an interface may share a name.
    public struct ID: Sendable, Hashable, CustomStringConvertible {
        public var kind: Kind
        public var name: String

        public init(_ kind: Kind, _ name: String) {
            self.kind = kind
            self.name = name
        }

        public var description: String { "\(kind.rawValue) \(name)" }
    }

    public var id: ID
    /// Positive: added while OK. Negative: added while FAILED. Zero: a failure means FAULT.
    public var weight: Int
    /// `weight N reverse`: the adjustment goes the other way (and with weight 0, OK means FAULT).
    public var reverse: Bool
    public var status: Status
    /// A `track_file`'s number as last read; nil for every other kind. It replaces `status`:
    /// see `fileStatus`.
    public var value: Int?

    public init(
        _ kind: Kind, _ name: String, weight: Int = 0, reverse: Bool = false, status: Status = .ok, value: Int? = nil
    ) {
        self.id = ID(kind, name)
        self.weight = weight
        self.reverse = reverse
        self.status = status
        self.value = value
    }

    /// The status keepalived gives a tracked file (keepalived.conf(5), "Track files"): with
    /// weight 0, FAULT (-254) for a non-zero value (for zero with reverse), else 0; otherwise
    /// value × weight, negated by reverse, clamped to -254...253, where -254 means FAULT.
    /// Nil when this is not a file.
    public var fileStatus: Int? {
        guard let value else { return nil }
        if weight == 0 { return (value != 0) != reverse ? -254 : 0 }
        // keepalived reads an int: bounded to 32 bits, the product fits in 64.
        let bounded = min(max(value, Int(Int32.min)), Int(Int32.max))
        return min(max(bounded * weight * (reverse ? -1 : 1), -254), 253)
    }

    /// What this object adds to the configured priority now (keepalived's arithmetic: a
    /// positive weight counts while OK, a negative one while FAULT; reverse negates; a file
    /// adds its `fileStatus` unless that is FAULT).
    public var priorityAdjustment: Int {
        if let fileStatus { return fileStatus == -254 ? 0 : fileStatus }
        let sign = reverse ? -1 : 1
        switch status {
        case .ok where weight > 0: return weight * sign
        case .failed where weight < 0: return weight * sign
        default: return 0
        }
    }

    /// Whether this object, unweighted, holds the instance in FAULT.
    public var forcesFault: Bool {
        if let fileStatus { return fileStatus == -254 }
        guard weight == 0 else { return false }
        switch status {
        case .ok: return reverse
        case .failed: return !reverse
        case .unknown: return false
        }
    }
}

/// Bad configuration or control input, with what was wrong.
public enum VRRPConfigurationError: Error, Sendable, Hashable {
    case emptyName
    case priorityOutOfRange(UInt8)
    case advertIntervalOutOfRange(VRRPDuration, VRRPInstanceConfiguration.ProtocolVersion)
    case preemptDelayOutOfRange(VRRPDuration)
    case weightOutOfRange(VRRPTrackedObject.ID, Int)
    case duplicateTrackedObject(VRRPTrackedObject.ID)
    case invalidAddressLength(Int)
    case downTimerAdvertsOutOfRange(Int)
    case garpRepeatOutOfRange(Int)
    case garpDelayOutOfRange(VRRPDuration)
}
