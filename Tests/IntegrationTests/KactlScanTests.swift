import Foundation
import KeepaliveTestSupport
import Testing

/// The real `kactl scan` on a veth link where real keepalived instances advertise.
@Suite(.serialized)
struct KactlScanTests {
    static let canRun = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/keepalived")

    @Test(.enabled(if: canRun, "needs root and keepalived: creates network namespaces and a raw socket"))
    func twoSendersOfOneVRIDWithDifferentAddressesClash() async throws {
        try await ScanLink.with(senders: [1, 3]) { link in
            let result = try await link.scan()
            #expect(result.status == 1, "stderr: \(result.stderr)")
            let survey = try JSONDecoder().decode(ScanJSON.self, from: Data(result.stdout.utf8))
            #expect(survey.clash)
            let router = try #require(survey.virtualRouters.first)
            #expect(survey.virtualRouters.count == 1)
            #expect(router.vrid == 42)
            #expect(router.senders.map(\.address) == ["10.0.0.1", "10.0.0.3"])
            #expect(router.senders.map(\.virtualAddresses) == [["192.0.2.1"], ["192.0.2.3"]])
            for sender in router.senders {
                #expect(sender.version == 3)
                #expect(sender.priority == 100)
                #expect(sender.advertIntervalSeconds == 0.1)
                #expect(sender.authType == "none")
                #expect(sender.ttl == 255)
                #expect(sender.adverts > 1)
            }
            let kinds = router.clashes.map(\.kind)
            #expect(kinds.contains("address_lists"))
            // Neither accepts the other's adverts (address list mismatch), so both stay master.
            #expect(kinds.contains("two_masters"))
        }
    }

    @Test(.enabled(if: canRun, "needs root and keepalived: creates network namespaces and a raw socket"))
    func oneSenderIsClean() async throws {
        try await ScanLink.with(senders: [1]) { link in
            let result = try await link.scan()
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let survey = try JSONDecoder().decode(ScanJSON.self, from: Data(result.stdout.utf8))
            #expect(!survey.clash)
            let router = try #require(survey.virtualRouters.first)
            #expect(router.vrid == 42)
            #expect(router.senders.map(\.address) == ["10.0.0.1"])
            #expect(router.clashes.isEmpty)

            let table = try await link.scan(json: false)
            #expect(table.status == 0)
            #expect(table.stdout.contains("VRID 42  ok"))
            #expect(table.stdout.contains("1 VRID heard on vb"))
            #expect(!table.stdout.contains("\u{1B}["))
        }
    }

    @Test(.enabled(if: canRun, "needs root and keepalived: creates network namespaces and a raw socket"))
    func oneVRIDOverIPv4AndIPv6IsTwoVirtualRouters() async throws {
        try await ScanLink.with(senders: [1], ipv6: true) { link in
            let result = try await link.scan()
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let survey = try JSONDecoder().decode(ScanJSON.self, from: Data(result.stdout.utf8))
            #expect(!survey.clash)
            #expect(survey.virtualRouters.map(\.vrid) == [42, 42], "stderr: \(result.stderr)")
            #expect(survey.virtualRouters.map(\.family) == ["ipv4", "ipv6"])
            let ipv6 = try #require(survey.virtualRouters.last?.senders.first)
            #expect(ipv6.address.hasPrefix("fe80::"))
            #expect(ipv6.virtualAddresses == ["2001:db8::1"])
            #expect(ipv6.version == 3)
            #expect(ipv6.ttl == 255)

            let table = try await link.scan(json: false)
            #expect(table.stdout.contains("VRID 42 (IPv6)  ok"), "\(table.stdout)")
            #expect(table.stdout.contains("2 VRIDs heard on vb"))
        }
    }

    @Test(.enabled(if: getuid() == 0, "needs root: opens a raw socket"))
    func badInputIsRefusedClearly() async throws {
        let missing = try await runKactl(["scan", "no-such-interface0", "--seconds", "1"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no-such-interface0"))
        let zero = try await runKactl(["scan", "lo", "--seconds", "0"])
        #expect(zero.status == 2)
        #expect(zero.stderr.contains("--seconds"))
        let help = try await runKactl(["scan", "--help"])
        #expect(help.stdout.contains("1 a clash was found"))
    }
}

/// Namespace A holds every keepalived (one per source address, as separate routers on one
/// link would be), namespace B the scanner; a veth pair va/vb joins them.
struct ScanLink {
    let sender: TestNamespace
    let listener: TestNamespace

    /// `ipv6` gives each keepalived a second instance, VRID 42 over IPv6 with VIP 2001:db8::N.
    static func with(senders: [Int], ipv6: Bool = false, _ body: (ScanLink) async throws -> Void) async throws {
        let sender = try await TestNamespace.create("kscan-a")
        let listener: TestNamespace
        do {
            listener = try await TestNamespace.create("kscan-b")
        } catch {
            await sender.delete()
            throw error
        }
        let directory = try Repository.temporaryDirectory("kscan")
        var daemons: [ChildProcess] = []
        func tearDown() async {
            // Every process in A is one of ours: keepalived's parent and its VRRP child.
            let pids = (try? await run("/usr/sbin/ip", ["netns", "pids", sender.name]))?.stdout ?? ""
            for pid in pids.split(separator: "\n").compactMap({ Int32($0) }) { kill(pid, SIGKILL) }
            for daemon in daemons { await daemon.terminate() }
            await sender.delete()
            await listener.delete()
            try? FileManager.default.removeItem(atPath: directory)
        }
        do {
            let link = ScanLink(sender: sender, listener: listener)
            try await link.setUp(addresses: senders)
            for number in senders {
                daemons.append(try link.startKeepalived(number, ipv6: ipv6, in: directory))
            }
            for number in senders {
                try await link.waitForVIP("192.0.2.\(number)")
                if ipv6 { try await link.waitForVIP("2001:db8::\(number)", prefix: 128) }
            }
            try await body(link)
        } catch {
            await tearDown()
            throw error
        }
        await tearDown()
    }

    private func setUp(addresses: [Int]) async throws {
        // No duplicate address detection: the link-local addresses IPv6 adverts need are usable
        // at once.
        for namespace in [sender, listener] {
            _ = try await run(
                "/usr/sbin/ip",
                ["netns", "exec", namespace.name, "sysctl", "-qw", "net.ipv6.conf.default.accept_dad=0"])
        }
        var commands: [[String]] = [
            ["-n", sender.name, "link", "add", "va", "type", "veth", "peer", "name", "vb", "netns", listener.name],
            ["-n", listener.name, "addr", "add", "10.0.0.2/24", "dev", "vb"],
            ["-n", sender.name, "link", "set", "va", "up"],
            ["-n", listener.name, "link", "set", "vb", "up"],
        ]
        for number in addresses {
            commands.insert(["-n", sender.name, "addr", "add", "10.0.0.\(number)/24", "dev", "va"], at: 1)
        }
        for command in commands {
            let result = try await run("/usr/sbin/ip", command)
            try #require(result.status == 0, "ip \(command.joined(separator: " ")): \(result.stderr)")
        }
    }

    /// A VRRPv3 router for VRID 42 with advert_int 0.1, sending from 10.0.0.N with VIP 192.0.2.N.
    private func startKeepalived(_ number: Int, ipv6: Bool, in directory: String) throws -> ChildProcess {
        let config = "\(directory)/keepalived-\(number).conf"
        let ipv6Instance =
            ipv6
            ? """
            vrrp_instance VI6_\(number) {
                state BACKUP
                interface va
                virtual_router_id 42
                priority 100
                advert_int 0.1
                virtual_ipaddress {
                    2001:db8::\(number)/128
                }
            }

            """ : ""
        try """
        global_defs {
            vrrp_version 3
        }
        vrrp_instance VI_\(number) {
            state BACKUP
            interface va
            virtual_router_id 42
            priority 100
            advert_int 0.1
            mcast_src_ip 10.0.0.\(number)
            virtual_ipaddress {
                192.0.2.\(number)/32
            }
        }
        \(ipv6Instance)
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let (executable, arguments) = sender.exec(
            "/usr/sbin/keepalived",
            [
                "-n", "-l", "-D", "-P", "-f", config, "-p", "\(directory)/keepalived-\(number).pid", "-r",
                "\(directory)/vrrp-\(number).pid",
            ])
        return try ChildProcess(executable, arguments)
    }

    /// Waits until keepalived became master and added its VIP: from then on it advertises.
    private func waitForVIP(_ address: String, prefix: Int = 32) async throws {
        for _ in 0..<400 {
            let shown = try await run("/usr/sbin/ip", ["-n", sender.name, "-br", "addr", "show", "dev", "va"])
            if shown.stdout.contains("\(address)/\(prefix)") { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("keepalived never became master for \(address)")
        throw CancellationError()
    }

    /// The real kactl, inside the listener's namespace, for two seconds.
    func scan(json: Bool = true) async throws -> CommandResult {
        let (executable, arguments) = listener.exec(
            try Repository.binary("kactl"), ["scan", "vb", "--seconds", "2"] + (json ? ["--json"] : []))
        return try await ChildProcess(executable, arguments, environment: ["NO_COLOR": "1"]).wait(seconds: 60)
    }
}

/// `kactl scan --json` as a script reads it.
private struct ScanJSON: Decodable {
    struct Sender: Decodable {
        var address: String
        var priority: Int
        var version: Int
        var authType: String
        var advertIntervalSeconds: Double
        var virtualAddresses: [String]
        var adverts: Int
        var lastSeenSeconds: Double
        var ttl: Int
    }

    struct Clash: Decodable {
        var kind: String
        var senders: [String]?
    }

    struct Router: Decodable {
        var vrid: Int
        var family: String
        var senders: [Sender]
        var clashes: [Clash]
    }

    var clash: Bool
    var interface: String
    var virtualRouters: [Router]
    var dropped: [String: Int]
}
