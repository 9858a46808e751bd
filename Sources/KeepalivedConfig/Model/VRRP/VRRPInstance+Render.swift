extension VRRPInstance {
    public func render(into writer: inout ConfigWriter) {
        writer.block("vrrp_instance", name) { w in
            w.option("state", initialState?.rawValue)
            w.option("interface", interface)
            if let useVMAC {
                w.line(["use_vmac"] + [useVMAC.interfaceName, useVMAC.macAddress].compactMap { $0 })
            }
            w.flag("vmac_xmit_base", vmacTransmitBase)
            w.flag("native_ipv6", nativeIPv6)
            w.flag("dont_track_primary", dontTrackPrimary)
            w.line("version", String(version))
            w.line("virtual_router_id", String(virtualRouterID))
            w.line("priority", String(priority))
            w.line("advert_int", advertInterval.formatted)
            renderAdverts(into: &w)
            if let authentication {
                w.block("authentication") { w in
                    w.line("auth_type", authentication.type.rawValue)
                    w.option("auth_pass", authentication.password)
                }
            }
            TrackedItem.renderList("track_interface", trackInterfaces, into: &w)
            TrackedItem.renderList("track_script", trackScripts, into: &w)
            TrackedItem.renderList("track_file", trackFiles, into: &w)
            renderList("virtual_ipaddress", virtualAddresses, into: &w)
            renderList("virtual_ipaddress_excluded", excludedAddresses, into: &w)
            renderList("virtual_routes", virtualRoutes, into: &w)
            renderList("virtual_rules", virtualRules, into: &w)
            if !preempt { w.line("nopreempt") }
            w.option("preempt_delay", preemptDelay)
            renderGARP(into: &w)
            notify.render(into: &w)
            w.option("notify_priority_changes", notifyPriorityChanges)
            w.option("smtp_alert", smtpAlert)
            if let accept { w.line(accept ? "accept" : "no_accept") }
            w.option("strict_mode", strictMode)
            w.option("skip_check_adv_addr", skipCheckAdvertAddress)
            w.option("debug", debugLevel)
            w.option("lvs_sync_daemon_interface", lvsSyncDaemonInterface)
            w.flag("promote_secondaries", promoteSecondaries)
            w.option("kernel_rx_buf_size", kernelRxBufferSize)
            otherOptions.forEach { $0.render(into: &w) }
        }
    }

    private func renderAdverts(into w: inout ConfigWriter) {
        w.option(unicastPeers.isEmpty ? "mcast_src_ip" : "unicast_src_ip", sourceAddress)
        w.option("mcast_dst_ip", multicastGroup)
        if !unicastPeers.isEmpty {
            w.block("unicast_peer") { w in
                for peer in unicastPeers {
                    var words = [peer.address.description]
                    if let ttl = peer.minimumTTL { words += ["min_ttl", String(ttl)] }
                    if let ttl = peer.maximumTTL { words += ["max_ttl", String(ttl)] }
                    w.line(words)
                }
            }
        }
        w.option("unicast_ttl", unicastTTL)
        w.flag("check_unicast_src", checkUnicastSource)
    }

    private func renderGARP(into w: inout ConfigWriter) {
        w.option("garp_master_delay", garpMasterDelay)
        w.option("garp_master_repeat", garpMasterRepeat)
        w.option("garp_master_refresh", garpMasterRefresh)
        w.option("garp_master_refresh_repeat", garpMasterRefreshRepeat)
        w.option("garp_lower_prio_delay", garpLowerPriorityDelay)
        w.option("garp_lower_prio_repeat", garpLowerPriorityRepeat)
        w.option("lower_prio_no_advert", lowerPriorityNoAdvert)
        w.option("higher_prio_send_advert", higherPrioritySendAdvert)
        w.option("down_timer_adverts", downTimerAdverts)
    }

    private func renderList(_ keyword: String, _ items: [some ConfigRenderable], into w: inout ConfigWriter) {
        guard !items.isEmpty else { return }
        w.block(keyword) { w in items.forEach { $0.render(into: &w) } }
    }
}
