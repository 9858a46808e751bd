extension GlobalDefinitions {
    /// True when nothing is set, so the block can be left out.
    public var isEmpty: Bool { self == GlobalDefinitions() }

    public func render(into writer: inout ConfigWriter) {
        guard !isEmpty else { return }
        writer.block("global_defs") { w in
            renderIdentity(into: &w)
            renderVRRPDefaults(into: &w)
            renderNotifyAndLVS(into: &w)
            otherOptions.forEach { $0.render(into: &w) }
        }
    }

    private func renderIdentity(into w: inout ConfigWriter) {
        w.option("router_id", routerID)
        if !notificationEmails.isEmpty {
            w.block("notification_email") { w in notificationEmails.forEach { w.line($0) } }
        }
        w.option("notification_email_from", notificationEmailFrom)
        if let smtpServer { w.line(["smtp_server", smtpServer.host] + (smtpServer.port.map { [String($0)] } ?? [])) }
        w.option("smtp_helo_name", smtpHeloName)
        w.option("smtp_connect_timeout", smtpConnectTimeout)
        w.option("smtp_alert", smtpAlert)
        w.option("smtp_alert_vrrp", smtpAlertVRRP)
        w.option("smtp_alert_checker", smtpAlertChecker)
        w.flag("no_email_faults", noEmailFaults)
        w.flag("enable_script_security", enableScriptSecurity)
        if let scriptUser { w.line(["script_user"] + scriptUser.words) }
        startupScript?.render("startup_script", into: &w)
        w.option("startup_script_timeout", startupScriptTimeout)
        shutdownScript?.render("shutdown_script", into: &w)
        w.option("shutdown_script_timeout", shutdownScriptTimeout)
        w.option("default_interface", defaultInterface)
        switch dynamicInterfaces {
        case .enabled: w.line("dynamic_interfaces")
        case .allowInterfaceChanges: w.line("dynamic_interfaces", "allow_if_changes")
        case nil: break
        }
        w.option("max_auto_priority", maxAutoPriority)
        w.flag("enable_dbus", enableDBus)
        w.option("dbus_service_name", dbusServiceName)
    }

    private func renderVRRPDefaults(into w: inout ConfigWriter) {
        w.option("vrrp_mcast_group4", vrrpMulticastGroup4)
        w.option("vrrp_mcast_group6", vrrpMulticastGroup6)
        w.option("vrrp_version", vrrpVersion)
        w.flag("vrrp_strict", vrrpStrict)
        w.option("vrrp_skip_check_adv_addr", vrrpSkipCheckAdvertAddress)
        w.flag("vrrp_check_unicast_src", vrrpCheckUnicastSource)
        w.option("vrrp_lower_prio_no_advert", vrrpLowerPriorityNoAdvert)
        w.option("vrrp_higher_prio_send_advert", vrrpHigherPrioritySendAdvert)
        w.option("vrrp_garp_master_delay", vrrpGARPMasterDelay)
        w.option("vrrp_garp_master_repeat", vrrpGARPMasterRepeat)
        w.option("vrrp_garp_lower_prio_delay", vrrpGARPLowerPriorityDelay)
        w.option("vrrp_garp_lower_prio_repeat", vrrpGARPLowerPriorityRepeat)
        w.option("vrrp_garp_master_refresh", vrrpGARPMasterRefresh)
        w.option("vrrp_garp_master_refresh_repeat", vrrpGARPMasterRefreshRepeat)
        w.option("vrrp_garp_interval", vrrpGARPInterval)
        w.option("vrrp_gna_interval", vrrpGNAInterval)
        w.option("vrrp_min_garp", vrrpMinGARP)
        w.option("vrrp_down_timer_adverts", vrrpDownTimerAdverts)
        w.option("vrrp_startup_delay", vrrpStartupDelay)
        if let vrrpIPTables { w.line(["vrrp_iptables"] + vrrpIPTables) }
        w.option("vrrp_notify_priority_changes", vrrpNotifyPriorityChanges)
    }

    private func renderNotifyAndLVS(into w: inout ConfigWriter) {
        func fifo(_ keyword: String, _ fifo: NotifyFIFO?) {
            if let fifo { w.line([keyword, fifo.path] + (fifo.owner?.words ?? [])) }
        }
        fifo("notify_fifo", notifyFIFO)
        notifyFIFOScript?.render("notify_fifo_script", into: &w)
        fifo("vrrp_notify_fifo", vrrpNotifyFIFO)
        vrrpNotifyFIFOScript?.render("vrrp_notify_fifo_script", into: &w)
        fifo("lvs_notify_fifo", lvsNotifyFIFO)
        lvsNotifyFIFOScript?.render("lvs_notify_fifo_script", into: &w)
        w.flag("lvs_flush", lvsFlush)
        if let daemon = lvsSyncDaemon {
            var words = ["lvs_sync_daemon", daemon.interface]
            func add(_ keyword: String, _ value: String?) {
                if let value { words += [keyword, value] }
            }
            add("inst", daemon.instance)
            add("id", daemon.syncID.map { String($0) })
            add("maxlen", daemon.maximumLength.map { String($0) })
            add("port", daemon.port.map { String($0) })
            add("ttl", daemon.ttl.map { String($0) })
            add("group", daemon.group?.description)
            w.line(words)
        }
        if let timeouts = lvsTimeouts {
            var words = ["lvs_timeouts"]
            if let tcp = timeouts.tcp { words += ["tcp", String(tcp)] }
            if let fin = timeouts.tcpFin { words += ["tcpfin", String(fin)] }
            if let udp = timeouts.udp { words += ["udp", String(udp)] }
            w.line(words)
        }
    }
}
