extension GlobalDefinitions {
    /// global_defs keywords of keepalived 2.2 that are kept as written rather than typed.
    static let rawKeywords: Set<String> = [
        "tmp_config_directory", "config_save_dir", "process_names",
        "process_name", "vrrp_process_name", "checker_process_name", "bfd_process_name", "checker_log_all_failures",
        "lvs_flush_on_stop", "vrrp_garp_extra_if", "nftables", "nftables_priority",
        "nftables_counters", "nftables_ifindex", "nftables_ipvs", "nftables_ipvs_priority",
        "nftables_ipvs_start_fwmark", "vrrp_ipsets", "disable_local_igmp", "min_auto_priority_delay",
        "vrrp_priority", "checker_priority", "bfd_priority", "vrrp_no_swap", "checker_no_swap", "bfd_no_swap",
        "vrrp_cpu_affinity", "checker_cpu_affinity", "bfd_cpu_affinity", "vrrp_rt_priority", "checker_rt_priority",
        "bfd_rt_priority", "vrrp_rlimit_rttime", "checker_rlimit_rttime", "bfd_rlimit_rttime", "snmp_socket",
        "enable_snmp_vrrp", "enable_snmp_checker", "enable_snmp_rfc", "enable_snmp_rfcv2", "enable_snmp_rfcv3",
        "enable_snmp_keepalived", "enable_traps", "fifo_write_vrrp_states_on_reload", "vrrp_netlink_cmd_rcv_bufs",
        "vrrp_netlink_cmd_rcv_bufs_force", "vrrp_netlink_monitor_rcv_bufs", "vrrp_netlink_monitor_rcv_bufs_force",
        "lvs_netlink_cmd_rcv_bufs", "lvs_netlink_cmd_rcv_bufs_force", "lvs_netlink_monitor_rcv_bufs",
        "lvs_netlink_monitor_rcv_bufs_force", "process_monitor_rcv_bufs", "process_monitor_rcv_bufs_force",
        "vrrp_rx_bufs_policy", "vrrp_rx_bufs_multiplier", "rs_init_notifies", "no_checker_emails", "umask",
        "log_unknown_vrids", "vmac_prefix", "vmac_addr_prefix", "random_seed", "reload_check_config",
        "include_check", "reload_time_file", "reload_repeat", "reload_file", "data_use_instance",
    ]

    mutating func read(_ block: [Statement], _ diagnostics: inout Diagnostics) {
        var origin = self.origin
        readBlock(block, of: "global_defs", origin: &origin, &diagnostics) { s, d in
            if readIdentity(s, &d) || readVRRPDefaults(s, &d) || readNotifyAndLVS(s, &d) { return true }
            if Self.rawKeywords.contains(s.name) {
                otherOptions.append(RawStatement(s))
                return true
            }
            return false
        }
        self.origin = origin
    }

    /// Identity, email, scripts and process options.
    private mutating func readIdentity(_ s: Statement, _ d: inout Diagnostics) -> Bool {
        switch s.name {
        case "router_id": routerID = s.single(&d, expected: "a name")?.text
        case "notification_email": notificationEmails += s.listWords(&d).map(\.text)
        case "notification_email_from": notificationEmailFrom = s.single(&d, expected: "an address")?.text
        case "smtp_server":
            guard let host = s.argument(0, &d, expected: "an address or host name") else { break }
            var server = SMTPServer(host: host.text)
            if s.arguments.count > 1 {
                guard let port = s.arguments[1].integer(in: 1...65535, for: "smtp_server port", &d) else { break }
                server.port = port
            }
            smtpServer = server
        case "smtp_helo_name": smtpHeloName = s.single(&d, expected: "a name")?.text
        case "smtp_connect_timeout":
            smtpConnectTimeout = s.integer(in: 0...Int(Int32.max), &d)
            if smtpConnectTimeout == 0 {
                d.warning("smtp_connect_timeout must be greater than 0, set to 1", at: s.arguments[0].location)
                smtpConnectTimeout = 1
            }
        case "smtp_alert": smtpAlert = s.boolean(&d)
        case "smtp_alert_vrrp": smtpAlertVRRP = s.boolean(&d)
        case "smtp_alert_checker": smtpAlertChecker = s.boolean(&d)
        case "no_email_faults": noEmailFaults = true
        case "enable_script_security": enableScriptSecurity = true
        case "script_user":
            guard s.argument(0, &d, expected: "a user name") != nil else { break }
            scriptUser = ScriptUser(s.arguments[...], for: s.name, &d)
        case "startup_script": startupScript = NotifyCommand(reading: s, &d)
        case "startup_script_timeout": startupScriptTimeout = s.integer(in: 1...1000, &d)
        case "shutdown_script": shutdownScript = NotifyCommand(reading: s, &d)
        case "shutdown_script_timeout": shutdownScriptTimeout = s.integer(in: 1...1000, &d)
        case "default_interface": defaultInterface = s.single(&d, expected: "an interface")?.text
        case "dynamic_interfaces":
            if let word = s.arguments.first, word.text != "allow_if_changes" {
                d.warning("unknown dynamic_interfaces option '\(word.text)', ignored", at: word.location)
            }
            dynamicInterfaces = s.arguments.first?.text == "allow_if_changes" ? .allowInterfaceChanges : .enabled
        case "max_auto_priority":
            maxAutoPriority = s.arguments.isEmpty ? 99 : s.integer(in: -1...99, &d)
        case "enable_dbus": enableDBus = true
        case "dbus_service_name": dbusServiceName = s.single(&d, expected: "a bus name")?.text
        default: return false
        }
        return true
    }

    /// The defaults every vrrp_instance inherits.
    private mutating func readVRRPDefaults(_ s: Statement, _ d: inout Diagnostics) -> Bool {
        let counts = 0...Int(Int32.max)
        let delays = 0...4294
        switch s.name {
        case "vrrp_mcast_group4":
            vrrpMulticastGroup4 = s.single(&d)?.address(for: s.name, &d)
            if let group = vrrpMulticastGroup4, group.family != .inet {
                d.error("'vrrp_mcast_group4' expects an IPv4 address, got \(group)", at: s.arguments[0].location)
            }
        case "vrrp_mcast_group6":
            vrrpMulticastGroup6 = s.single(&d)?.address(for: s.name, &d)
            if let group = vrrpMulticastGroup6, group.family != .inet6 {
                d.error("'vrrp_mcast_group6' expects an IPv6 address, got \(group)", at: s.arguments[0].location)
            }
        case "vrrp_version": vrrpVersion = s.single(&d)?.integer(in: 2...3, for: s.name, &d)
        case "vrrp_strict": vrrpStrict = true
        case "vrrp_skip_check_adv_addr": vrrpSkipCheckAdvertAddress = s.boolean(&d)
        case "vrrp_check_unicast_src": vrrpCheckUnicastSource = true
        case "vrrp_lower_prio_no_advert": vrrpLowerPriorityNoAdvert = s.boolean(&d)
        case "vrrp_higher_prio_send_advert": vrrpHigherPrioritySendAdvert = s.boolean(&d)
        case "vrrp_garp_master_delay": vrrpGARPMasterDelay = s.integer(in: delays, &d)
        case "vrrp_garp_master_repeat": vrrpGARPMasterRepeat = s.integer(in: counts, &d)
        case "vrrp_garp_lower_prio_delay": vrrpGARPLowerPriorityDelay = s.integer(in: delays, &d)
        case "vrrp_garp_lower_prio_repeat": vrrpGARPLowerPriorityRepeat = s.integer(in: counts, &d)
        case "vrrp_garp_master_refresh": vrrpGARPMasterRefresh = s.integer(in: counts, &d)
        case "vrrp_garp_master_refresh_repeat": vrrpGARPMasterRefreshRepeat = s.integer(in: counts, &d)
        case "vrrp_garp_interval": vrrpGARPInterval = s.decimal(in: 0...4294.967295, &d)
        case "vrrp_gna_interval": vrrpGNAInterval = s.decimal(in: 0...4294.967295, &d)
        case "vrrp_min_garp": vrrpMinGARP = s.boolean(&d)
        case "vrrp_down_timer_adverts": vrrpDownTimerAdverts = s.integer(in: 1...100, &d)
        case "vrrp_startup_delay": vrrpStartupDelay = s.decimal(in: 0.001...4294.967295, &d)
        case "vrrp_iptables": vrrpIPTables = s.arguments.map(\.text)
        case "vrrp_notify_priority_changes": vrrpNotifyPriorityChanges = s.boolean(&d)
        default: return false
        }
        return true
    }

    /// Notify FIFOs and the global IPVS settings.
    private mutating func readNotifyAndLVS(_ s: Statement, _ d: inout Diagnostics) -> Bool {
        func fifo() -> NotifyFIFO? {
            NotifyCommand(reading: s, &d).map { NotifyFIFO(path: $0.command, owner: $0.runAs) }
        }
        switch s.name {
        case "notify_fifo": notifyFIFO = fifo()
        case "notify_fifo_script": notifyFIFOScript = NotifyCommand(reading: s, &d)
        case "vrrp_notify_fifo": vrrpNotifyFIFO = fifo()
        case "vrrp_notify_fifo_script": vrrpNotifyFIFOScript = NotifyCommand(reading: s, &d)
        case "lvs_notify_fifo": lvsNotifyFIFO = fifo()
        case "lvs_notify_fifo_script": lvsNotifyFIFOScript = NotifyCommand(reading: s, &d)
        case "lvs_flush": lvsFlush = true
        case "lvs_sync_daemon": lvsSyncDaemon = Self.readSyncDaemon(s, &d)
        case "lvs_timeouts": lvsTimeouts = Self.readTimeouts(s, &d)
        default: return false
        }
        return true
    }

    private static func readSyncDaemon(_ s: Statement, _ d: inout Diagnostics) -> LVSSyncDaemon? {
        guard let interface = s.argument(0, &d, expected: "an interface") else { return nil }
        var daemon = LVSSyncDaemon(interface: interface.text)
        var words = s.arguments.dropFirst()
        while let word = words.popFirst() {
            let keywords = ["inst", "id", "maxlen", "port", "ttl", "group"]
            guard keywords.contains(word.text) else {
                if daemon.instance == nil {
                    daemon.instance = word.text
                    continue
                }
                d.error("unknown lvs_sync_daemon option '\(word.text)'", at: word.location)
                return nil
            }
            guard let value = words.popFirst() else {
                d.error("'\(word.text)' in lvs_sync_daemon expects a value", at: word.location)
                return nil
            }
            switch word.text {
            case "inst": daemon.instance = value.text
            case "id": daemon.syncID = value.integer(in: 0...255, for: "id", &d)
            case "maxlen": daemon.maximumLength = value.integer(in: 1...65507, for: "maxlen", &d)
            case "port": daemon.port = value.integer(in: 1...65535, for: "port", &d)
            case "ttl": daemon.ttl = value.integer(in: 1...255, for: "ttl", &d)
            default: daemon.group = value.address(for: "group", &d)
            }
        }
        return daemon
    }

    private static func readTimeouts(_ s: Statement, _ d: inout Diagnostics) -> LVSTimeouts? {
        var timeouts = LVSTimeouts()
        var words = s.arguments[...]
        guard !words.isEmpty else {
            d.error("'lvs_timeouts' expects at least one of tcp, tcpfin, udp", at: s.location)
            return nil
        }
        while let word = words.popFirst() {
            guard ["tcp", "tcpfin", "udp"].contains(word.text) else {
                d.error("unknown lvs_timeouts option '\(word.text)'", at: word.location)
                return nil
            }
            guard let next = words.popFirst() else {
                d.error("'\(word.text)' in lvs_timeouts expects seconds", at: word.location)
                return nil
            }
            guard let value = next.integer(in: 0...Int(Int32.max), for: word.text, &d) else { return nil }
            switch word.text {
            case "tcp": timeouts.tcp = value
            case "tcpfin": timeouts.tcpFin = value
            default: timeouts.udp = value
            }
        }
        return timeouts
    }
}
