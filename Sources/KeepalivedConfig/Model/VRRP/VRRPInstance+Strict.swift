extension VRRPInstance {
    /// `vrrp_strict` / `strict_mode`: keepalived's RFC compliance rules. What keepalived cannot
    /// run is an error; what it resets warns and is reset here too, so the model is what runs.
    mutating func applyStrictMode(globalDownTimerAdverts: Int?, _ diagnostics: inout Diagnostics) {
        let location = origin.location ?? KeepalivedConfiguration.nowhere
        if virtualAddresses.isEmpty {
            diagnostics.error("(\(name)) No VIP specified; at least one is required", at: location)
        }
        if isIPv6, let first = virtualAddresses.first, !first.address.address.isLinkLocal {
            diagnostics.error(
                "(\(name)) the first IPv6 VIP address must be link local", at: first.origin.location ?? location)
        }
        if let state = initialState, (state == .master) != (priority == 255) {
            diagnostics.warning(
                "(\(name)) State MASTER must match being address owner (priority 255)",
                at: origin["state"] ?? location)
            initialState = nil
        }
        if !unicastPeers.isEmpty {
            diagnostics.error(
                "(\(name)) Unicast peers are not supported in strict mode",
                at: origin["unicast_peer"] ?? location)
        }
        if vmacTransmitBase {
            diagnostics.warning(
                "(\(name)) vmac_xmit_base is not supported in strict mode, reset",
                at: origin["vmac_xmit_base"] ?? location)
            vmacTransmitBase = false
        }
        if let repeats = garpLowerPriorityRepeat, repeats != 0 {
            diagnostics.warning(
                "(\(name)) Strict mode requires no repeat garps, garp_lower_prio_repeat reset",
                at: origin["garp_lower_prio_repeat"] ?? location)
            garpLowerPriorityRepeat = nil
        }
        if let delay = garpLowerPriorityDelay, delay != 0 {
            diagnostics.warning(
                "(\(name)) Strict mode requires no repeat garp delay, garp_lower_prio_delay reset",
                at: origin["garp_lower_prio_delay"] ?? location)
            garpLowerPriorityDelay = nil
        }
        if authentication != nil {
            diagnostics.warning(
                "(\(name)) strict mode does not support authentication, ignored",
                at: origin["authentication"] ?? location)
            authentication = nil
        }
        if preemptDelay != nil {
            diagnostics.warning(
                "(\(name)) preempt_delay is incompatible with strict mode, reset",
                at: origin["preempt_delay"] ?? location)
            preemptDelay = nil
        }
        if accept == true && version == 2 && priority != 255 {
            diagnostics.warning(
                "(\(name)) accept mode for VRRP version 2 does not comply with RFC3768, reset",
                at: origin["accept"] ?? location)
            accept = nil
        }
        if lowerPriorityNoAdvert == false {
            diagnostics.warning(
                "(\(name)) strict mode requires lower_prio_no_advert, reset",
                at: origin["lower_prio_no_advert"] ?? location)
            lowerPriorityNoAdvert = nil
        }
        if downTimerAdverts != nil {
            diagnostics.warning(
                "(\(name)) down_timer_adverts is incompatible with strict mode, reset",
                at: origin["down_timer_adverts"] ?? location)
            downTimerAdverts = nil
        } else if let global = globalDownTimerAdverts {
            diagnostics.warning(
                "(\(name)) down_timer_adverts is incompatible with strict mode, global vrrp_down_timer_adverts \(global) ignored",
                at: location)
        }
        if higherPrioritySendAdvert == true {
            diagnostics.warning(
                "(\(name)) strict mode requires higher_prio_send_advert to be clear, reset",
                at: origin["higher_prio_send_advert"] ?? location)
            higherPrioritySendAdvert = nil
        }
    }

    /// Settings keepalived resets or ignores because another setting rules them out; each warns
    /// with keepalived's reason.
    mutating func resolveConflicts(_ global: GlobalDefinitions, _ diagnostics: inout Diagnostics) {
        let location = origin.location ?? KeepalivedConfiguration.nowhere
        if version == 3 && authentication != nil {
            diagnostics.warning(
                "(\(name)) VRRP version 3 does not support authentication, ignored",
                at: origin["authentication"] ?? location)
            authentication = nil
        }
        if !preempt && preemptDelay != nil {
            diagnostics.warning(
                "(\(name)) preempt_delay is incompatible with nopreempt mode, reset",
                at: origin["preempt_delay"] ?? location)
            preemptDelay = nil
        }
        if !unicastPeers.isEmpty && multicastGroup != nil {
            diagnostics.warning(
                "(\(name)) multicast destination specified with unicast, ignored",
                at: origin["mcast_dst_ip"] ?? location)
            multicastGroup = nil
        }
        if useVMAC != nil && promoteSecondaries {
            diagnostics.warning(
                "(\(name)) promote_secondaries is automatically set for vmacs",
                at: origin["promote_secondaries"] ?? location)
        }
        if let interface = lvsSyncDaemonInterface {
            let already = global.lvsSyncDaemon.map { ", and global lvs_sync_daemon (\($0.interface)) wins" } ?? ""
            diagnostics.warning(
                "(\(name)) lvs_sync_daemon_interface \(interface) in a vrrp_instance is deprecated, use global lvs_sync_daemon\(already)",
                at: origin["lvs_sync_daemon_interface"] ?? location)
        }
    }

    /// keepalived ignores tracking weights of sync group members unless the group sets
    /// `sync_group_tracking_weight`; it says so, and so do we (the weights stay in the model).
    func warnAboutSyncGroupWeights(
        scripts: [String: VRRPScript], files: [String: TrackFile], _ diagnostics: inout Diagnostics
    ) {
        let nowhere = origin.location ?? KeepalivedConfiguration.nowhere
        for item in trackInterfaces where (item.weight ?? 0) != 0 {
            diagnostics.warning(
                "(\(name)) ignoring \(item.name) tracked interface weight due to SYNC group",
                at: item.origin.location ?? nowhere)
        }
        for item in trackScripts where (item.weight ?? scripts[item.name]?.weight ?? 0) != 0 {
            diagnostics.warning(
                "(\(name)) ignoring tracked script \(item.name) with weights due to SYNC group",
                at: item.origin.location ?? nowhere)
        }
        for item in trackFiles where (item.weight ?? files[item.name]?.weight ?? 0) != 0 {
            diagnostics.warning(
                "(\(name)) ignoring weight from tracked file \(item.name) due to SYNC group, specify weight 0",
                at: item.origin.location ?? nowhere)
        }
    }
}

extension IPAddress {
    /// fe80::/10, which keepalived wants as the first VIP of a strict IPv6 instance.
    public var isLinkLocal: Bool {
        switch self {
        case .v4(let value): value >> 16 == 0xa9fe
        case .v6(let bytes, _): bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80
        }
    }
}
