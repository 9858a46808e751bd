/// keepalived's deviations from the RFCs in what a router sends, all off by default here (the
/// daemon fills in keepalived's defaults) and most of them forbidden by `vrrp_strict`.
public struct VRRPAdvertPolicy: Sendable, Hashable {
    /// `lower_prio_no_advert`: a MASTER hearing a lower priority advert stays silent (RFC)
    /// rather than advertising at once to force a new election (keepalived's default).
    public var lowerPriorityNoAdvert: Bool
    /// `higher_prio_send_advert`: a MASTER hearing a higher priority advert sends one advert of
    /// its own before going BACKUP, so the new master (with `garp_lower_prio_repeat`) re-announces
    /// its addresses after a split brain in which our gratuitous ARPs were the last seen.
    public var higherPrioritySendAdvert: Bool
    /// `garp_lower_prio_repeat`: gratuitous ARPs a MASTER sends when it hears a lower priority
    /// advert (0: none).
    public var lowerPriorityGARPRepeat: Int
    /// `garp_lower_prio_delay`: a second such burst this long after the first (zero: none).
    public var lowerPriorityGARPDelay: VRRPDuration
    /// `down_timer_adverts`: Master_Down_Interval is this many Master_Adver_Intervals plus
    /// Skew_Time; 3 is the RFCs' value, 1...100 keepalived's bounds.
    public var downTimerAdverts: Int

    public static let rfcDownTimerAdverts = 3

    public init(
        lowerPriorityNoAdvert: Bool = false, higherPrioritySendAdvert: Bool = false,
        lowerPriorityGARPRepeat: Int = 0, lowerPriorityGARPDelay: VRRPDuration = .zero,
        downTimerAdverts: Int = VRRPAdvertPolicy.rfcDownTimerAdverts
    ) throws(VRRPConfigurationError) {
        guard (1...100).contains(downTimerAdverts) else { throw .downTimerAdvertsOutOfRange(downTimerAdverts) }
        guard lowerPriorityGARPRepeat >= 0 else { throw .garpRepeatOutOfRange(lowerPriorityGARPRepeat) }
        guard lowerPriorityGARPDelay >= .zero else { throw .garpDelayOutOfRange(lowerPriorityGARPDelay) }
        self.lowerPriorityNoAdvert = lowerPriorityNoAdvert
        self.higherPrioritySendAdvert = higherPrioritySendAdvert
        self.lowerPriorityGARPRepeat = lowerPriorityGARPRepeat
        self.lowerPriorityGARPDelay = lowerPriorityGARPDelay
        self.downTimerAdverts = downTimerAdverts
    }

    /// The RFCs' behaviour as keepalived runs it by default: answer lower priority adverts,
    /// no extra gratuitous ARPs, three intervals to master down.
    public static let keepalivedDefault = VRRPAdvertPolicy(uncheckedDownTimerAdverts: rfcDownTimerAdverts)

    private init(uncheckedDownTimerAdverts: Int) {
        lowerPriorityNoAdvert = false
        higherPrioritySendAdvert = false
        lowerPriorityGARPRepeat = 0
        lowerPriorityGARPDelay = .zero
        downTimerAdverts = uncheckedDownTimerAdverts
    }
}
