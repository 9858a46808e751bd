extension VRRPInstance {
    /// Keywords keepalived 2.2 knows in a vrrp_instance that this model keeps as written.
    static let rawKeywords: Set<String> = [
        "vrf", "use_vmac_addr", "use_ipvlan", "track_src_ip", "unicast_fault_no_peer", "old_unicast_checksum",
        "garp_extra_if", "track_process", "track_bfd", "linkbeat_use_polling",
    ]

    static let counts = 0...Int(Int32.max)
    /// keepalived's range for gratuitous ARP delays, in seconds.
    static let delays = 0...4294

    init?(reading statement: Statement, _ diagnostics: inout Diagnostics) {
        guard let name = statement.argument(0, &diagnostics, expected: "an instance name") else { return nil }
        self.init(name: name.text, interface: nil, virtualRouterID: 0)
        var origin = Origin(statement.location)
        var routerID: Int?
        let errorsBefore = diagnostics.errors.count
        readBlock(statement.requireBlock(&diagnostics), of: "vrrp_instance", origin: &origin, &diagnostics) { s, d in
            if notify.read(s, &d) { return true }
            if readAddressing(s, &d) || readTiming(s, &d) { return true }
            switch s.name {
            case "state":
                guard let word = s.single(&d, expected: "MASTER or BACKUP") else { break }
                guard let state = InitialState(rawValue: word.text.uppercased()) else {
                    d.error("unknown state '\(word.text)', expected MASTER or BACKUP", at: word.location)
                    break
                }
                initialState = state
            case "interface": interface = s.single(&d, expected: "an interface name")?.text
            case "virtual_router_id":
                routerID = s.single(&d, expected: "a VRID")?.integer(in: 1...255, for: s.name, &d)
            case "priority": s.single(&d)?.integer(in: 1...255, for: s.name, &d).map { priority = $0 }
            case "version": s.single(&d)?.integer(in: 2...3, for: s.name, &d).map { version = $0 }
            case "authentication": readAuthentication(s, &d)
            case "track_interface": trackInterfaces += TrackedItem.readList(s, &d)
            case "track_script": trackScripts += TrackedItem.readList(s, &d)
            case "track_file": trackFiles += TrackedItem.readList(s, &d)
            case "dont_track_primary": dontTrackPrimary = true
            case "native_ipv6": nativeIPv6 = true
            case "use_vmac":
                var vmac = VMAC()
                for word in s.arguments {
                    if word.text.split(separator: ":").count >= 5 {
                        vmac.macAddress = word.text
                    } else {
                        vmac.interfaceName = word.text
                    }
                }
                useVMAC = vmac
            case "vmac_xmit_base": vmacTransmitBase = true
            case "nopreempt": preempt = false
            case "preempt": preempt = true
            case "accept": accept = true
            case "no_accept": accept = false
            case "strict_mode": strictMode = s.boolean(&d)
            case "skip_check_adv_addr": skipCheckAdvertAddress = s.boolean(&d)
            case "check_unicast_src": checkUnicastSource = true
            case "smtp_alert": smtpAlert = s.boolean(&d)
            case "notify_priority_changes": notifyPriorityChanges = s.boolean(&d)
            case "debug": debugLevel = s.arguments.isEmpty ? 0 : s.integer(in: 0...4, &d)
            case "lvs_sync_daemon_interface": lvsSyncDaemonInterface = s.single(&d, expected: "an interface")?.text
            case "promote_secondaries": promoteSecondaries = true
            case "kernel_rx_buf_size": kernelRxBufferSize = s.integer(in: 0...Int(Int32.max), &d)
            case let keyword where Self.rawKeywords.contains(keyword): otherOptions.append(RawStatement(s))
            default: return false
            }
            return true
        }
        self.origin = origin
        guard diagnostics.errors.count == errorsBefore || routerID != nil else { return nil }
        guard let routerID else {
            diagnostics.error("(\(self.name)) the virtual router id must be set", at: statement.location)
            return nil
        }
        virtualRouterID = routerID
        if interface == nil && unicastPeers.isEmpty {
            diagnostics.error(
                "(\(self.name)) has no 'interface' (required without unicast_peer)", at: statement.location)
            return nil
        }
        if !preempt && priority == 255 {
            diagnostics.warning(
                "(\(self.name)) nopreempt is incompatible with priority 255, cleared",
                at: origin["nopreempt"] ?? statement.location)
            preempt = true
        }
        if !preempt && initialState == .master {
            diagnostics.warning(
                "(\(self.name)) nopreempt will not work with initial state MASTER, cleared",
                at: origin["nopreempt"] ?? statement.location)
            preempt = true
        }
    }

    /// Addresses, routes, rules and where adverts go.
    private mutating func readAddressing(_ s: Statement, _ d: inout Diagnostics) -> Bool {
        switch s.name {
        case "virtual_ipaddress": virtualAddresses += s.requireBlock(&d).compactMap { VirtualAddress(reading: $0, &d) }
        case "virtual_ipaddress_excluded":
            excludedAddresses += s.requireBlock(&d).compactMap { VirtualAddress(reading: $0, &d) }
        case "virtual_routes": virtualRoutes += s.requireBlock(&d).compactMap { VirtualRoute(reading: $0, &d) }
        case "virtual_rules": virtualRules += s.requireBlock(&d).compactMap { VirtualRule(reading: $0, &d) }
        case "mcast_src_ip", "unicast_src_ip": sourceAddress = s.single(&d)?.address(for: s.name, &d)
        case "mcast_dst_ip": multicastGroup = s.single(&d)?.address(for: s.name, &d)
        case "unicast_peer": unicastPeers += s.requireBlock(&d).compactMap { Self.readPeer($0, &d) }
        case "unicast_ttl": unicastTTL = s.integer(in: 0...255, &d)
        default: return false
        }
        return true
    }

    /// Advert and gratuitous ARP timing.
    private mutating func readTiming(_ s: Statement, _ d: inout Diagnostics) -> Bool {
        switch s.name {
        case "advert_int": s.single(&d)?.decimal(in: 0.01...255, for: s.name, &d).map { advertInterval = $0 }
        case "preempt_delay": preemptDelay = s.single(&d)?.decimal(in: 0...1000, for: s.name, &d)
        case "garp_master_delay": garpMasterDelay = s.integer(in: Self.delays, &d)
        case "garp_master_repeat": garpMasterRepeat = s.integer(in: Self.counts, &d)
        case "garp_master_refresh": garpMasterRefresh = s.integer(in: Self.counts, &d)
        case "garp_master_refresh_repeat": garpMasterRefreshRepeat = s.integer(in: Self.counts, &d)
        case "garp_lower_prio_delay": garpLowerPriorityDelay = s.integer(in: Self.delays, &d)
        case "garp_lower_prio_repeat": garpLowerPriorityRepeat = s.integer(in: Self.counts, &d)
        case "lower_prio_no_advert": lowerPriorityNoAdvert = s.boolean(&d)
        case "higher_prio_send_advert": higherPrioritySendAdvert = s.boolean(&d)
        case "down_timer_adverts": downTimerAdverts = s.integer(in: 1...100, &d)
        default: return false
        }
        return true
    }

    private mutating func readAuthentication(_ s: Statement, _ d: inout Diagnostics) {
        var type: Authentication.AuthType?
        var sawType = false
        var password: String?
        var origin = Origin(s.location)
        readBlock(s.requireBlock(&d), of: "authentication", origin: &origin, &d) { s, d in
            switch s.name {
            case "auth_type":
                sawType = true
                guard let word = s.single(&d, expected: "PASS or AH") else { break }
                type = Authentication.AuthType(rawValue: word.text.uppercased())
                if type == nil {
                    d.error("unknown authentication type '\(word.text)', expected PASS or AH", at: word.location)
                }
            case "auth_pass":
                guard let word = s.single(&d, expected: "a password") else { break }
                password = String(word.text.prefix(8))
                if word.text.count > 8 { d.warning("auth_pass truncated to 8 characters", at: word.location) }
            default: return false
            }
            return true
        }
        guard let type else {
            if !sawType { d.error("authentication block has no 'auth_type'", at: s.location) }
            return
        }
        authentication = Authentication(type: type, password: password)
    }

    private static func readPeer(_ s: Statement, _ d: inout Diagnostics) -> UnicastPeer? {
        guard let address = s.keyword.address(for: "unicast_peer", &d) else { return nil }
        var peer = UnicastPeer(address: address)
        peer.origin = Origin(s.location)
        var words = s.arguments[...]
        while let word = words.popFirst() {
            switch word.text {
            case "min_ttl", "max_ttl":
                guard let value = words.popFirst() else {
                    d.error("'\(word.text)' expects a number in 0...255", at: word.location)
                    return nil
                }
                guard let ttl = value.integer(in: 0...255, for: word.text, &d) else { return nil }
                if word.text == "min_ttl" { peer.minimumTTL = ttl } else { peer.maximumTTL = ttl }
            default:
                d.warning("unknown word '\(word.text)' for unicast peer \(address), ignored", at: word.location)
            }
        }
        return peer
    }
}
