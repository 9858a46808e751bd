import KeepalivedConfig
import VRRP

/// What an instance does beyond the RFC election, with keepalived's defaults (and `vrrp_strict`'s)
/// filled in: the advert policy, accept mode, `promote_secondaries` and mail on transitions.
public struct InstancePolicy: Sendable, Hashable {
    /// `lower_prio_no_advert`, `higher_prio_send_advert`, `garp_lower_prio_*`, `down_timer_adverts`.
    public var advertPolicy: VRRPAdvertPolicy
    /// `accept` / `no_accept` (default: accept, no_accept in strict mode).
    public var accept: Bool
    /// `promote_secondaries`: set the interface's sysctl so removing a VIP keeps its siblings.
    public var promoteSecondaries: Bool
    /// `smtp_alert`, else `smtp_alert_vrrp`, else `smtp_alert` in global_defs (default off).
    public var smtpAlert: Bool

    public init(
        advertPolicy: VRRPAdvertPolicy = .keepalivedDefault, accept: Bool = true, promoteSecondaries: Bool = false,
        smtpAlert: Bool = false
    ) {
        self.advertPolicy = advertPolicy
        self.accept = accept
        self.promoteSecondaries = promoteSecondaries
        self.smtpAlert = smtpAlert
    }

    /// Whether a MASTER with `basePriority` must drop traffic to its VIPs: no_accept, unless it
    /// owns the addresses (priority 255), as RFC 5798 §6.4.3 and keepalived have it.
    public func dropsTrafficToVIPs(basePriority: UInt8) -> Bool {
        !accept && basePriority != 255
    }
}

extension InstancePolicy {
    /// Reads the instance's settings over global_defs, the way keepalived completes an
    /// instance: strict mode forces lower_prio_no_advert, no garp_lower_prio repeats and
    /// no_accept unless written otherwise (the model already reset what strict forbids).
    init(_ instance: VRRPInstance, globals: GlobalDefinitions) throws(InstanceSettingsError) {
        let strict = instance.strictMode ?? globals.vrrpStrict
        let garpRepeat =
            instance.garpLowerPriorityRepeat
            ?? (strict ? 0 : globals.vrrpGARPLowerPriorityRepeat ?? globals.vrrpGARPMasterRepeat ?? 5)
        let garpDelay =
            instance.garpLowerPriorityDelay
            ?? (strict ? 0 : globals.vrrpGARPLowerPriorityDelay ?? globals.vrrpGARPMasterDelay ?? 5)
        let downTimer = instance.downTimerAdverts ?? (strict ? 3 : globals.vrrpDownTimerAdverts ?? 3)
        do {
            advertPolicy = try VRRPAdvertPolicy(
                lowerPriorityNoAdvert: instance.lowerPriorityNoAdvert
                    ?? (strict ? true : globals.vrrpLowerPriorityNoAdvert ?? false),
                higherPrioritySendAdvert: instance.higherPrioritySendAdvert
                    ?? (strict ? false : globals.vrrpHigherPrioritySendAdvert ?? false),
                lowerPriorityGARPRepeat: garpRepeat, lowerPriorityGARPDelay: .seconds(Int64(garpDelay)),
                downTimerAdverts: downTimer)
        } catch {
            throw .outOfRange(instance: instance.name, keyword: "down_timer_adverts", value: "\(downTimer)")
        }
        accept = instance.accept ?? !strict
        promoteSecondaries = instance.promoteSecondaries
        let own = instance.smtpAlert
        smtpAlert = own ?? globals.smtpAlertVRRP ?? globals.smtpAlert ?? false
    }
}
