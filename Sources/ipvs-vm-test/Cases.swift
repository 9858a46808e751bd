import IPVS
import Netlink

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The cases, in order: each builds on the table the previous ones left, and the last removes
/// everything the driver added. Each reads the kernel back through the IPVS module and through
/// `ipvsadm -Ln`.
struct Cases {
    let ipvs: IPVS

    static let web = IPVSService.Key.address(.tcp, address("10.10.0.1"), port: 80)
    static let dns = IPVSService.Key.address(.udp, address("10.10.0.2"), port: 53)
    static let mark = IPVSService.Key.firewallMark(42, family: .ipv4)
    static let web6 = IPVSService.Key.address(.tcp, address("2001:db8::1"), port: 443)
    static let hashed = IPVSService.Key.address(.tcp, address("10.10.0.3"), port: 80)

    var all: [(String, () throws -> Void)] {
        [
            ("family-resolved", familyResolved),
            ("tcp-rr-two-nat-destinations", tcpTwoNat),
            ("edit-weight", editWeight),
            ("duplicate-add-refused", duplicateRefused),
            ("delete-destination", deleteDestination),
            ("edit-service-scheduler", editScheduler),
            ("fwmark-service", fwmarkService),
            ("udp-persistence", udpPersistence),
            ("ipv6-service", ipv6Service),
            ("dr-destination", drDestination),
            ("tunnel-destinations", tunnelDestinations),
            ("sh-scheduler-flags", shFlags),
            ("lvs-timeouts", timeouts),
            ("zero-counters", zeroCounters),
            ("missing-entries", missingEntries),
            ("delete-everything", deleteEverything),
        ] + more + syncDaemonCases
    }

    func familyResolved() throws {
        let info = try ipvs.info()
        let text = try run("ipvsadm -Ln")
        try expect(
            text.contains("version \(info.version) (size=\(info.connectionTableSize))"),
            "API says \(info), ipvsadm: \(text)")
        try expect(try ipvs.services().isEmpty, "the table should start empty")
    }

    func tcpTwoNat() throws {
        try ipvs.addService(IPVSService(Self.web, scheduler: "rr"))
        try ipvs.addDestination(IPVSDestination(address("10.10.1.1"), port: 8080, weight: 1), to: Self.web)
        try ipvs.addDestination(IPVSDestination(address("10.10.1.2"), port: 8080, weight: 2), to: Self.web)
        let service = try require(try ipvs.service(Self.web), "service \(Self.web) not read back")
        try expect(service.scheduler == "rr" && service.persistence == nil, "read back \(service)")
        try expectDestinations(of: Self.web, ["10.10.1.1:8080 Masq 1", "10.10.1.2:8080 Masq 2"])
        let shown = try require(try IpvsadmTable.read().service("TCP  10.10.0.1:80"), "ipvsadm does not show it")
        try expect(shown.scheduler == "rr", "ipvsadm scheduler \(shown.scheduler)")
    }

    func editWeight() throws {
        try ipvs.editDestination(IPVSDestination(address("10.10.1.2"), port: 8080, weight: 5), of: Self.web)
        try expectDestinations(of: Self.web, ["10.10.1.1:8080 Masq 1", "10.10.1.2:8080 Masq 5"])
    }

    func duplicateRefused() throws {
        do {
            try ipvs.addService(IPVSService(Self.web, scheduler: "wlc"))
            throw CaseFailure("adding an existing service succeeded")
        } catch IPVSError.kernel(_, let errno, _) {
            try expect(errno == EEXIST, "errno \(errno), expected EEXIST")
        }
        try expect(try ipvs.service(Self.web)?.scheduler == "rr", "the refused add changed the service")
    }

    func deleteDestination() throws {
        try ipvs.deleteDestination(address("10.10.1.2"), port: 8080, of: Self.web)
        try expectDestinations(of: Self.web, ["10.10.1.1:8080 Masq 1"])
    }

    func editScheduler() throws {
        var service = try require(try ipvs.service(Self.web), "service missing")
        service.scheduler = "wlc"
        try ipvs.editService(service)
        try expect(try ipvs.service(Self.web)?.scheduler == "wlc", "API still reads the old scheduler")
        try expect(try IpvsadmTable.read().service("TCP  10.10.0.1:80")?.scheduler == "wlc", "ipvsadm disagrees")
        try expectDestinations(of: Self.web, ["10.10.1.1:8080 Masq 1"])
    }

    func fwmarkService() throws {
        try ipvs.addService(IPVSService(Self.mark, scheduler: "wlc"))
        try ipvs.addDestination(
            IPVSDestination(address("10.10.2.1"), port: 0, forwarding: .directRouting, weight: 3), to: Self.mark)
        try expect(try ipvs.services().contains { $0.key == Self.mark }, "fwmark service not listed")
        try expectDestinations(of: Self.mark, ["10.10.2.1:0 Route 3"])
        try expect(try IpvsadmTable.read().service("FWM  42")?.scheduler == "wlc", "ipvsadm does not show FWM 42")
    }

    func udpPersistence() throws {
        let persistence = IPVSPersistence(timeout: 600, prefixLength: 24)
        try ipvs.addService(IPVSService(Self.dns, scheduler: "rr", flags: .onePacket, persistence: persistence))
        try ipvs.addDestination(IPVSDestination(address("10.10.3.1"), port: 53, weight: 1), to: Self.dns)
        let service = try require(try ipvs.service(Self.dns), "UDP service not read back")
        try expect(
            service.persistence == persistence, "persistence read back as \(String(describing: service.persistence))")
        try expect(service.flags.contains(.onePacket), "ops flag lost: \(service.flags)")
        let shown = try require(try IpvsadmTable.read().service("UDP  10.10.0.2:53"), "ipvsadm does not show it")
        let options = shown.options.joined(separator: " ")
        try expect(options.contains("persistent 600 mask 255.255.255.0"), "ipvsadm options: \(options)")
        try expect(options.contains("ops"), "ipvsadm options: \(options)")
        try expectDestinations(of: Self.dns, ["10.10.3.1:53 Masq 1"])
    }

    func ipv6Service() throws {
        try ipvs.addService(IPVSService(Self.web6, scheduler: "wrr"))
        try ipvs.addDestination(IPVSDestination(address("2001:db8::10"), port: 443, weight: 3), to: Self.web6)
        try ipvs.addDestination(IPVSDestination(address("2001:db8::11"), port: 8443, weight: 4), to: Self.web6)
        try expect(try ipvs.service(Self.web6)?.scheduler == "wrr", "IPv6 service not read back")
        try expectDestinations(
            of: Self.web6, ["[2001:db8::10]:443 Masq 3", "[2001:db8::11]:8443 Masq 4"])
    }

    func drDestination() throws {
        try ipvs.addDestination(
            IPVSDestination(
                address("10.10.1.3"), port: 80, forwarding: .directRouting, weight: 7,
                upperThreshold: 100, lowerThreshold: 10), to: Self.web)
        let destination = try require(
            try ipvs.destinations(of: Self.web).first { $0.address == address("10.10.1.3") }, "DR destination missing")
        try expect(destination.upperThreshold == 100 && destination.lowerThreshold == 10, "thresholds \(destination)")
        try expectDestinations(of: Self.web, ["10.10.1.1:8080 Masq 1", "10.10.1.3:80 Route 7"])
    }

    func tunnelDestinations() throws {
        let gue = IPVSForwarding.tunnel(.gue(port: 6080, flags: .checksum))
        try ipvs.addDestination(
            IPVSDestination(address("10.10.4.1"), port: 80, forwarding: .tunnel(.ipip)), to: Self.web)
        try ipvs.addDestination(IPVSDestination(address("10.10.4.2"), port: 80, forwarding: gue), to: Self.web)
        let read = try ipvs.destinations(of: Self.web)
        try expect(read.first { $0.address == address("10.10.4.1") }?.forwarding == .tunnel(.ipip), "ipip: \(read)")
        try expect(read.first { $0.address == address("10.10.4.2") }?.forwarding == gue, "gue: \(read)")
        try expectDestinations(
            of: Self.web,
            ["10.10.1.1:8080 Masq 1", "10.10.1.3:80 Route 7", "10.10.4.1:80 Tunnel 1", "10.10.4.2:80 Tunnel 1"])
    }

    func shFlags() throws {
        try ipvs.addService(IPVSService(Self.hashed, scheduler: "sh", flags: [.shPort, .shFallback]))
        let service = try require(try ipvs.service(Self.hashed), "sh service not read back")
        try expect(service.flags.isSuperset(of: [.shPort, .shFallback]), "flags \(service.flags)")
        let options = try IpvsadmTable.read().service("TCP  10.10.0.3:80")?.options.joined(separator: " ") ?? ""
        try expect(options.contains("sh-port") && options.contains("sh-fallback"), "ipvsadm options: \(options)")
    }

    func timeouts() throws {
        let wanted = IPVSTimeouts(tcp: 900, tcpFin: 120, udp: 300)
        try ipvs.setTimeouts(wanted)
        let read = try ipvs.timeouts()
        try expect(read == wanted, "API reads \(read)")
        let text = try run("ipvsadm -L --timeout")
        try expect(text.contains("900 120 300"), "ipvsadm --timeout: \(text)")
        try ipvs.setTimeouts(IPVSTimeouts(tcp: 0, tcpFin: 0, udp: 60))  // 0 keeps the current value
        try expect(try ipvs.timeouts() == IPVSTimeouts(tcp: 900, tcpFin: 120, udp: 60), "0 did not keep the value")
    }

    func zeroCounters() throws {
        try ipvs.zero(Self.web)
        try ipvs.zero()
        for service in try ipvs.services() {
            try expect(service.stats == IPVSStats(), "counters of \(service.key) not zero: \(service.stats)")
        }
    }

    func missingEntries() throws {
        let absent = IPVSService.Key.address(.sctp, address("10.10.9.9"), port: 9)
        try expect(try ipvs.service(absent) == nil, "a missing service was found")
        do {
            try ipvs.deleteService(absent)
            throw CaseFailure("deleting a missing service succeeded")
        } catch IPVSError.kernel(_, let errno, _) {
            try expect(errno == ESRCH, "errno \(errno), expected ESRCH")
        }
        do {
            try ipvs.deleteDestination(address("10.10.9.9"), port: 1, of: Self.web)
            throw CaseFailure("deleting a missing destination succeeded")
        } catch IPVSError.kernel(_, let errno, _) {
            try expect(errno == ENOENT, "errno \(errno), expected ENOENT")
        }
        do {
            try ipvs.addService(IPVSService(absent, scheduler: "nosuchsched"))
            throw CaseFailure("an unknown scheduler was accepted")
        } catch IPVSError.kernel {}
        do {
            try ipvs.addService(IPVSService(absent, scheduler: "a-name-too-long-for-ipvs"))
            throw CaseFailure("a scheduler name longer than the kernel's limit was sent")
        } catch IPVSError.invalidArgument {}
        try expect(try ipvs.service(absent) == nil, "a refused service was added")
    }

    func deleteEverything() throws {
        for key in [Self.web, Self.dns, Self.mark, Self.web6, Self.hashed] { try ipvs.deleteService(key) }
        let left = try ipvs.services()
        try expect(left.isEmpty, "services left: \(left.map(\.key))")
        try expect(try IpvsadmTable.read().services.isEmpty, "ipvsadm still shows services")
    }

    /// Compares a service's destinations, as "endpoint Forward weight" sorted, through both readers.
    func expectDestinations(of key: IPVSService.Key, _ expected: [String]) throws {
        let api = try ipvs.destinations(of: key).map { destination in
            let host = destination.address.family == .ipv6 ? "[\(destination.address)]" : "\(destination.address)"
            return "\(host):\(destination.port) \(forwardName(destination.forwarding)) \(destination.weight)"
        }.sorted()
        try expect(api == expected, "API reads \(api), expected \(expected)")
        let shown = try require(try IpvsadmTable.read().service(key.description), "ipvsadm does not show \(key)")
        let viaIpvsadm = shown.destinations.map { "\($0.endpoint) \($0.forward) \($0.weight)" }.sorted()
        try expect(viaIpvsadm == expected, "ipvsadm shows \(viaIpvsadm), expected \(expected)")
    }
}

private func forwardName(_ forwarding: IPVSForwarding) -> String {
    switch forwarding {
    case .nat: "Masq"
    case .directRouting: "Route"
    case .tunnel: "Tunnel"
    case .local: "Local"
    }
}

func address(_ text: String) -> IPAddress {
    guard let address = IPAddress(text) else { fatalError("bad address literal \(text) in the driver") }
    return address
}
