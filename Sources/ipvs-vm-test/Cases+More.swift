import IPVS
import Netlink

/// Cases beyond the basic table: every scheduler the kernel has, SCTP, IPv6 fwmark, a
/// persistence engine, GRE tunnels, mh flags. Each cleans up what it added.
extension Cases {
    static let schedulers = ["rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "mh", "fo", "ovf"]

    var more: [(String, () throws -> Void)] {
        [
            ("every-scheduler", everyScheduler),
            ("sctp-service", sctpService),
            ("ipv6-fwmark-service", ipv6FirewallMark),
            ("persistence-engine-sip", persistenceEngine),
            ("gre-tunnel-and-mh-flags", greAndMaglev),
            ("stats-read-back", statsReadBack),
            ("local-traffic-counters", localTrafficCounters),
            ("large-table", largeTable),
            ("nat-data-path", natDataPath),
            ("dr-data-path", drDataPath),
        ]
    }

    /// One service per scheduler Debian's 6.1 kernel ships; `twos` is newer (6.x) and absent here.
    func everyScheduler() throws {
        for (index, scheduler) in Self.schedulers.enumerated() {
            let key = IPVSService.Key.address(.tcp, address("10.20.0.\(index + 1)"), port: 80)
            try ipvs.addService(IPVSService(key, scheduler: scheduler))
            try ipvs.addDestination(IPVSDestination(address("10.20.1.\(index + 1)"), port: 80, weight: 2), to: key)
            try expect(try ipvs.service(key)?.scheduler == scheduler, "API reads another scheduler for \(scheduler)")
        }
        let shown = try IpvsadmTable.read()
        for (index, scheduler) in Self.schedulers.enumerated() {
            let service = try require(shown.service("TCP  10.20.0.\(index + 1):80"), "ipvsadm lacks \(scheduler)")
            try expect(service.scheduler == scheduler, "ipvsadm shows \(service.scheduler) for \(scheduler)")
            try expect(service.destinations.map(\.weight) == [2], "ipvsadm destinations of \(scheduler)")
        }
        for index in Self.schedulers.indices {
            try ipvs.deleteService(.address(.tcp, address("10.20.0.\(index + 1)"), port: 80))
        }
        try expect(try ipvs.services().isEmpty, "scheduler services left behind")
    }

    func sctpService() throws {
        let key = IPVSService.Key.address(.sctp, address("10.30.0.1"), port: 3868)
        try ipvs.addService(IPVSService(key, scheduler: "rr"))
        try ipvs.addDestination(IPVSDestination(address("10.30.1.1"), port: 3868, weight: 4), to: key)
        let listed = try ipvs.services().map(\.key)
        try expect(listed == [key], "API lists \(listed)")
        try expectDestinations(of: key, ["10.30.1.1:3868 Masq 4"])
        try ipvs.deleteService(key)
    }

    func ipv6FirewallMark() throws {
        let key = IPVSService.Key.firewallMark(77, family: .ipv6)
        try ipvs.addService(
            IPVSService(key, scheduler: "wlc", persistence: IPVSPersistence(timeout: 30, prefixLength: 64)))
        try ipvs.addDestination(
            IPVSDestination(address("2001:db8:1::5"), port: 0, forwarding: .directRouting, weight: 9), to: key)
        let service = try require(try ipvs.service(key), "IPv6 fwmark service not read back")
        try expect(service.persistence == IPVSPersistence(timeout: 30, prefixLength: 64), "read \(service)")
        let options = try require(IpvsadmTable.read().service(key.description), "ipvsadm lacks \(key)").options
        try expect(options.joined(separator: " ").contains("persistent 30 mask 64"), "ipvsadm options \(options)")
        try expectDestinations(of: key, ["[2001:db8:1::5]:0 Route 9"])
        try ipvs.deleteService(key)
    }

    func persistenceEngine() throws {
        let key = IPVSService.Key.address(.udp, address("10.40.0.1"), port: 5060)
        let service = IPVSService(
            key, scheduler: "rr", persistence: IPVSPersistence(timeout: 60, prefixLength: 32), persistenceEngine: "sip")
        try ipvs.addService(service)
        try expect(try ipvs.service(key)?.persistenceEngine == "sip", "persistence engine not read back")
        let options = try require(IpvsadmTable.read().service(key.description), "ipvsadm lacks \(key)").options
        try expect(options.joined(separator: " ").contains("pe sip"), "ipvsadm options \(options)")
        try ipvs.deleteService(key)
    }

    func greAndMaglev() throws {
        let key = IPVSService.Key.address(.tcp, address("10.50.0.1"), port: 80)
        try ipvs.addService(IPVSService(key, scheduler: "mh", flags: [.mhPort, .mhFallback]))
        let gre = IPVSForwarding.tunnel(.gre(flags: [.checksum]))
        try ipvs.addDestination(IPVSDestination(address("10.50.1.1"), port: 80, forwarding: gre, weight: 3), to: key)
        let service = try require(try ipvs.service(key), "mh service not read back")
        try expect(service.flags.isSuperset(of: [.mhPort, .mhFallback]), "flags \(service.flags)")
        try expect(try ipvs.destinations(of: key).first?.forwarding == gre, "GRE tunnel not read back")
        try expectDestinations(of: key, ["10.50.1.1:80 Tunnel 3"])
        var edited = try require(try ipvs.destinations(of: key).first, "destination missing")
        edited.forwarding = .tunnel(.ipip)
        try ipvs.editDestination(edited, of: key)
        try expect(try ipvs.destinations(of: key).first?.forwarding == .tunnel(.ipip), "edit to ipip not applied")
        try ipvs.deleteService(key)
    }

    /// Counters and connection counts are read (all zero: no traffic crosses this VM), and the
    /// connection-count columns agree with ipvsadm's.
    func statsReadBack() throws {
        let key = IPVSService.Key.address(.tcp, address("10.60.0.1"), port: 80)
        try ipvs.addService(IPVSService(key, scheduler: "wlc"))
        try ipvs.addDestination(IPVSDestination(address("10.60.1.1"), port: 80, weight: 1), to: key)
        let destination = try require(try ipvs.destinations(of: key).first, "destination missing")
        let shown = try require(IpvsadmTable.read().service(key.description)?.destinations.first, "ipvsadm lacks it")
        try expect(
            Int(destination.activeConnections) == shown.activeConnections
                && Int(destination.inactiveConnections) == shown.inactiveConnections,
            "connections API \(destination.activeConnections)/\(destination.inactiveConnections), ipvsadm \(shown)")
        try expect(try ipvs.service(key)?.stats == IPVSStats(), "a fresh service has non-zero counters")
        try ipvs.deleteService(key)
    }
}
