extension VirtualServer {
    /// Reads `virtual_server <IPADDR> [<PORT>] | fwmark <INTEGER> | group <STRING> { ... }`,
    /// applying keepalived's checks; nil when the service line itself is unusable.
    init?(reading statement: Statement, _ diagnostics: inout Diagnostics) {
        var origin = Origin(statement.location)
        guard let service = Self.service(statement, &origin, &diagnostics) else { return nil }
        self.init(service: service)
        readBlock(statement.requireBlock(&diagnostics), of: "virtual_server", origin: &origin, &diagnostics) {
            s, d in
            if s.name == "real_server" {
                realServers.appendIfPresent(RealServer(reading: s, &d))
                return true
            }
            if let needed = SchedulerFlags.requiredScheduler(for: s.name), scheduler != needed {
                d.warning(
                    "'\(s.name)' only applies to the \(needed) scheduler, set above it; ignored", at: s.location)
                return true
            }
            if schedulerFlags.read(s.name) { return true }
            return read(s, &d)
        }
        self.origin = origin
        validate(statement, &diagnostics)
    }

    /// The words after `virtual_server`. Records the location of the group name (as `group`) and
    /// of the address (as `address`) so later checks can point at them.
    private static func service(
        _ statement: Statement, _ origin: inout Origin, _ diagnostics: inout Diagnostics
    ) -> Service? {
        guard let first = statement.argument(0, &diagnostics, expected: "an address, 'fwmark N' or 'group NAME'")
        else { return nil }
        let extra: Word?
        let service: Service
        switch first.text {
        case "fwmark":
            guard let word = statement.argument(1, &diagnostics, expected: "a firewall mark after 'fwmark'"),
                let mark = word.integer(in: 1...Int(UInt32.max), for: "virtual_server fwmark", &diagnostics)
            else { return nil }
            extra = statement.arguments.dropFirst(2).first
            service = .fwmark(mark: mark)
        case "group":
            guard let word = statement.argument(1, &diagnostics, expected: "a virtual_server_group name after 'group'")
            else { return nil }
            origin.keywords["group"] = word.location
            extra = statement.arguments.dropFirst(2).first
            service = .group(name: word.text)
        default:
            guard let address = first.address(for: "virtual_server", &diagnostics) else { return nil }
            origin.keywords["address"] = first.location
            var port: Int?
            if statement.arguments.count > 1 {
                guard
                    let value = statement.arguments[1].integer(in: 1...65535, for: "virtual_server port", &diagnostics)
                else { return nil }
                port = value
            }
            extra = statement.arguments.dropFirst(2).first
            service = .address(address: address, port: port)
        }
        if let extra {
            diagnostics.error("'virtual_server': unexpected '\(extra.text)'", at: extra.location)
            return nil
        }
        return service
    }

    /// One option of the block; false for an unknown keyword.
    private mutating func read(_ s: Statement, _ d: inout Diagnostics) -> Bool {
        switch s.name {
        case "delay_loop": delayLoop = s.delayLoop(&d) ?? delayLoop
        case "lvs_sched", "lb_algo": scheduler = s.choice(LVSScheduler.self, &d) ?? scheduler
        case "lvs_method", "lb_kind": forwardingMethod = s.forwardingMethod(&d) ?? forwardingMethod
        case "persistence_timeout":
            persistenceTimeout =
                s.arguments.isEmpty
                ? Self.defaultPersistenceTimeout : s.integer(in: 1...2_678_400, &d) ?? persistenceTimeout
        case "persistence_granularity": persistenceGranularity = Self.granularity(s, &d) ?? persistenceGranularity
        case "persistence_engine": persistenceEngine = s.string(&d) ?? persistenceEngine
        case "protocol":
            if let word = s.argument(0, &d, expected: "TCP, UDP or SCTP") {
                if let value = LVSProtocol(rawValue: word.text.uppercased()) {
                    `protocol` = value
                } else {
                    d.error("'protocol' expects TCP, UDP or SCTP, got '\(word.text)'", at: word.location)
                }
            }
        case "hashed": hashed = s.boolean(&d) ?? hashed
        case "ops": onePacketScheduling = s.boolean(&d) ?? onePacketScheduling
        case "ha_suspend": haSuspend = s.boolean(&d) ?? haSuspend
        case "smtp_alert": smtpAlert = s.boolean(&d) ?? smtpAlert
        case "virtualhost": virtualhost = s.string(&d) ?? virtualhost
        case "snmp_name": snmpName = s.string(&d) ?? snmpName
        case "alpha": alpha = s.boolean(&d) ?? alpha
        case "omega": omega = s.boolean(&d) ?? omega
        case "quorum": quorum = s.integer(in: 1...Int(UInt32.max), &d) ?? quorum
        case "hysteresis": hysteresis = s.integer(in: 0...Int(UInt32.max), &d) ?? hysteresis
        case "quorum_up": quorumUp = NotifyCommand(reading: s, &d) ?? quorumUp
        case "quorum_down": quorumDown = NotifyCommand(reading: s, &d) ?? quorumDown
        case "ip_family":
            if let word = s.argument(0, &d, expected: "inet or inet6") {
                if let family = IPAddress.Family(rawValue: word.text) {
                    ipFamily = family
                } else {
                    d.error("'ip_family' expects inet or inet6, got '\(word.text)'", at: word.location)
                }
            }
        case "sorry_server":
            if let (address, port) = s.serverAddress(&d) { sorryServer = SorryServer(address: address, port: port) }
        case "sorry_server_inhibit": sorryServerInhibit = s.boolean(&d) ?? sorryServerInhibit
        case "sorry_server_lvs_method":
            sorryServerForwardingMethod = s.forwardingMethod(&d) ?? sorryServerForwardingMethod
        case "connect_timeout": connectTimeout = s.connectTimeout(&d) ?? connectTimeout
        case "retry": retry = s.serverRetry(&d) ?? retry
        case "delay_before_retry": delayBeforeRetry = s.timer(&d) ?? delayBeforeRetry
        case "warmup": warmup = s.timer(&d) ?? warmup
        case "inhibit_on_failure": inhibitOnFailure = s.boolean(&d) ?? inhibitOnFailure
        case "nat_mask":
            d.warning("'nat_mask' is obsolete and ignored, as keepalived 2 does", at: s.location)
        default: return false
        }
        return true
    }

    /// An IPv4 netmask such as 255.255.255.0, or an IPv6 prefix length 1-128.
    private static func granularity(_ s: Statement, _ d: inout Diagnostics) -> String? {
        guard let word = s.argument(0, &d, expected: "a netmask or prefix length") else { return nil }
        if let length = Int(word.text), (1...128).contains(length) { return word.text }
        if case .v4(let mask) = IPAddress(word.text), mask != 0, (~mask) & (~mask &+ 1) == 0 {
            return word.text
        }
        d.error(
            "'persistence_granularity' expects an IPv4 netmask or an IPv6 prefix length, got '\(word.text)'",
            at: word.location)
        return nil
    }

    /// keepalived's checks across the options of one virtual server. Where keepalived only warns
    /// and corrects a value (ops without UDP, ports that DR, TUN or fwmark cannot use, duplicate
    /// real servers, a quorum above the total weight), the model holds the corrected value, so it
    /// is what keepalived would run.
    private mutating func validate(_ statement: Statement, _ diagnostics: inout Diagnostics) {
        if case .address(_, nil) = service, persistenceTimeout == nil {
            diagnostics.error(
                "virtual_server \(service) needs a port, unless it is persistent (persistence_timeout)",
                at: origin["address"] ?? statement.location)
        }
        if onePacketScheduling, let proto = `protocol`, proto != .udp {
            diagnostics.warning(
                "one packet scheduling (ops) requires protocol UDP; keepalived turns it off",
                at: origin["ops"] ?? statement.location)
            onePacketScheduling = false
        }
        switch (service, `protocol`) {
        case (.fwmark, .some):
            diagnostics.warning(
                "fwmark virtual server \(service): protocol is ignored", at: origin["protocol"] ?? statement.location)
        case (.address, nil), (.group, nil):
            diagnostics.warning(
                "virtual_server \(service): no protocol set, keepalived defaults to UDP", at: statement.location)
        default: break
        }
        if let sorryPort = sorryServer?.port {
            let kind = (sorryServerForwardingMethod ?? forwardingMethod).kind
            let location = origin["sorry_server"] ?? statement.location
            if let port = correctedPort(sorryPort, kind, "sorry_server", location, &diagnostics) {
                sorryServer?.port = port
            }
        }
        // One pass, field by field: binding whole elements would copy each of possibly 100,000.
        var seen = Set<RealServerKey>(minimumCapacity: realServers.count)
        var duplicates: [Int] = []
        var totalWeight = 0
        for index in realServers.indices {
            let location = realServers[index].origin.location ?? statement.location
            let address = realServers[index].address
            let kind = realServers[index].forwardingMethod?.kind ?? forwardingMethod.kind
            if let realPort = realServers[index].port,
                let port = correctedPort(realPort, kind, "real_server \(address)", location, &diagnostics)
            {
                realServers[index].port = port
            }
            if case .address(let serviceAddress, _) = service, address.family != serviceAddress.family, kind != .tun {
                diagnostics.error(
                    "real_server \(address) is not in the address family of virtual_server \(serviceAddress); "
                        + "only tunnelled real servers may differ",
                    at: location)
            }
            let port = realServers[index].port
            if seen.insert(RealServerKey(address: address, port: port)).inserted {
                totalWeight += realServers[index].weight
            } else {
                diagnostics.warning(
                    "real_server \(address)\(port.map { " \($0)" } ?? "") is duplicated; keepalived drops the second",
                    at: location)
                duplicates.append(index)
            }
        }
        if !duplicates.isEmpty {
            let dropped = Set(duplicates)
            realServers = realServers.indices.filter { !dropped.contains($0) }.map { realServers[$0] }
        }
        if !realServers.isEmpty, totalWeight > 0, quorum > totalWeight {
            diagnostics.warning(
                "quorum \(quorum) exceeds the total weight \(totalWeight) of the real servers; "
                    + "keepalived lowers it to \(totalWeight)",
                at: origin["quorum"] ?? statement.location)
            quorum = totalWeight
        }
    }

    /// The port keepalived uses instead of `port` for a real or sorry server, when it differs:
    /// `.some(nil)` for a fwmark service (no port), the service's port for DR and TUN, which
    /// cannot change ports. nil when `port` stands.
    private func correctedPort(
        _ port: Int, _ kind: ForwardingMethod.Kind, _ what: String, _ location: SourceLocation,
        _ diagnostics: inout Diagnostics
    ) -> Int?? {
        switch service {
        case .fwmark:
            diagnostics.warning("fwmark virtual server \(service): the port of \(what) is ignored", at: location)
            return .some(nil)
        case .address(_, let servicePort) where servicePort != port && kind != .nat:
            diagnostics.warning(
                "\(what) port \(port) differs from virtual_server port; "
                    + "DR and TUN cannot change ports, so keepalived uses \(servicePort.map(String.init) ?? "none")",
                at: location)
            return .some(servicePort)
        default:
            return nil
        }
    }
}

/// Identifies a real server within its virtual server, for keepalived's duplicate check.
private struct RealServerKey: Hashable {
    var address: IPAddress
    var port: Int?
}
