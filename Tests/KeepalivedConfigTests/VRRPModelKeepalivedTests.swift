import Foundation
import Testing

@testable import KeepalivedConfig

/// What we print, keepalived itself accepts: `keepalived -t` reads the printed VRRP sections in a
/// network namespace of the test's own, whose interfaces eth0...eth3 the configurations name.
@Suite(
    "VRRP printing accepted by keepalived",
    .enabled(if: getuid() == 0, "needs root: creates a network namespace"),
    .enabled(
        if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/keepalived"),
        "needs keepalived installed (apt-get install keepalived)"))
struct VRRPModelKeepalivedTests {
    /// A namespace with veth pairs eth0/eth1 and eth2/eth3, removed on every path by `close`.
    final class Namespace {
        let name: String

        init() throws {
            name = "vrrpmodel-\(getpid())-\(UUID().uuidString.prefix(8))"
            try Self.run("/usr/sbin/ip", ["netns", "add", name])
            do {
                for (a, b) in [("eth0", "eth1"), ("eth2", "eth3")] {
                    try Self.run("/usr/sbin/ip", ["-n", name, "link", "add", a, "type", "veth", "peer", "name", b])
                }
                for link in ["lo", "eth0", "eth1", "eth2", "eth3"] {
                    try Self.run("/usr/sbin/ip", ["-n", name, "link", "set", link, "up"])
                }
            } catch {
                close()
                throw error
            }
        }

        func close() {
            _ = try? Self.run("/usr/sbin/ip", ["netns", "delete", name])
        }

        struct Failure: Error, CustomStringConvertible {
            var description: String
        }

        @discardableResult
        static func run(_ tool: String, _ arguments: [String], check: Bool = true) throws -> (
            status: Int32, output: String
        ) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let output = String(decoding: data, as: UTF8.self)
            if check && process.terminationStatus != 0 {
                throw Failure(description: "ip \(arguments.joined(separator: " ")): \(output)")
            }
            return (process.terminationStatus, output)
        }

        /// keepalived's complaints about `text`: unknown keywords, invalid or missing values.
        func keepalivedComplaints(_ text: String) throws -> [String] {
            let markers = ["Unknown keyword", "nvalid", "rror", "missing", "outside range", "not valid", "MUST"]
            return try keepalivedOutput(text).filter { line in markers.contains { line.contains($0) } }
        }

        /// What keepalived says about `text`, without file names and line numbers (which move
        /// when the text is printed again) and without its start-up chatter.
        func keepalivedMessages(_ text: String) throws -> [String] {
            try keepalivedOutput(text).compactMap { line in
                var message = Substring(line)
                if let lineMark = line.range(of: ": Line ") ?? line.range(of: "(Line "),
                    let close = line[lineMark.upperBound...].range(of: ") ")
                {
                    message = line[close.upperBound...]
                }
                let chatter = ["Starting", "Running on", "Command line", "Configuration file", "Opening file"]
                if message.isEmpty || message.contains("vrrpmodel-") || chatter.contains(where: message.hasPrefix) {
                    return nil
                }
                return String(message)
            }
        }

        /// Every line `keepalived -t` prints about `text`.
        func keepalivedOutput(_ text: String) throws -> [String] {
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("vrrpmodel-\(getpid())-\(UUID().uuidString).conf").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let (_, output) = try Self.run(
                "/usr/sbin/ip", ["netns", "exec", name, "/usr/sbin/keepalived", "-t", "-l", "-n", "-f", path],
                check: false)
            return output.split(separator: "\n").map(String.init)
        }
    }

    /// Only the sections this model prints, so the check does not depend on the LVS printer.
    static func vrrpText(_ configuration: KeepalivedConfiguration) -> String {
        var vrrp = configuration
        vrrp.virtualServerGroups = []
        vrrp.virtualServers = []
        return vrrp.rendered
    }

    /// The check is not vacuous: keepalived's complaints about a bad keyword are seen.
    @Test func complaintsAreSeen() throws {
        let namespace = try Namespace()
        defer { namespace.close() }
        let complaints = try namespace.keepalivedComplaints(
            ConfigErrorsTests.instance("    frobnicate 1\n    priority 300"))
        #expect(complaints.count >= 2, "\(complaints)")
    }

    @Test func printedRichConfigurationIsAccepted() throws {
        let namespace = try Namespace()
        defer { namespace.close() }
        let printed = Self.vrrpText(try VRRPModelText.model(RichConfiguration.text))
        #expect(try namespace.keepalivedComplaints(printed) == [])
    }

    @Test func printedSamplesAreAccepted() throws {
        let namespace = try Namespace()
        defer { namespace.close() }
        for file in try VRRPModelText.sampleFiles() {
            let printed = Self.vrrpText(try VRRPModelText.loadFile(file).configuration)
            let complaints = try namespace.keepalivedComplaints(printed)
            #expect(complaints == [], "\(file)")
        }
    }

    /// The long tail of `ip route`/`ip rule` options from keepalived.conf(5), printed in our
    /// order, means to keepalived exactly what the original means: the same complaints.
    @Test func printedManPageStaticSectionsMeanTheSame() throws {
        let namespace = try Namespace()
        defer { namespace.close() }
        let original = """
            static_ipaddress {
                192.168.1.1/24 dev eth0 scope global
                10.9.8.7/24 brd + dev eth1 label eth1:x peer 10.9.8.1 noprefixroute preferred_lft 100
            }
            static_routes {
                192.168.2.0/24 via 192.168.1.100 dev eth0
                192.168.100.0/24 table 6909 nexthop via 192.168.101.1 dev eth1 onlink weight 1 nexthop via 192.168.101.2 dev eth1 onlink weight 2
                192.168.200.0/24 dev eth2 table 6909 tos 0x04 protocol bird scope link priority 12 mtu 1000 hoplimit 100 advmss 101 rtt 102 rttvar 103 reordering 104 window 105 cwnd 106 ssthresh lock 107 realms PQA/0x14 rto_min 108 initcwnd 109 initrwnd 110 features ecn
                2001:470:69e9:1:2::4 dev eth2 table 6909 tos 0x04 protocol bird scope link priority 12 mtu 1000 hoplimit 100 advmss 101 rtt 102 rttvar 103 reordering 104 window 105 cwnd 106 ssthresh lock 107 rto_min 108 initcwnd 109 append initrwnd 110 features ecn fastopen_no_cookie 1
            }
            static_rules {
                from 192.168.2.0/24 table 1
                to 192.168.2.0/24 table 1 priority 7
                from 192.168.28.0/24 to 192.168.29.0/26 table 5 iif eth0 oif eth1 tos 22 fwmark 24/12 preference 39 realms 30/20 goto 40
                to 1:2:3:4:5:6:7:0/112 from 7:6:5:4:3:2::/96 table 6908 uidrange 10000-19999 preference 8
            }
            """
        let loaded = try VRRPModelText.load(original)
        #expect(loaded.warnings.map(\.location.line) == [12])
        let printed = Self.vrrpText(loaded.configuration)
        let expected = try namespace.keepalivedMessages(original)
        #expect(expected.contains { $0.hasPrefix("Rule has no preference specified") })
        let got = try namespace.keepalivedMessages(printed)
        #expect(got == expected, "printed:\n\(printed)\nkeepalived says:\n\(got)\ninstead of:\n\(expected)")
    }

    /// What printing changes on purpose: `gw` is printed as `via`, and entries keepalived
    /// skips (a rule with an unparsable address) are not printed at all.
    static let intendedDifferences = [
        "\"gw\" for routes is deprecated", "VRRP parsed invalid IP", "Invalid rule to address",
    ]

    /// Printing changes nothing keepalived sees: it says the same about the printed text as
    /// about the original, for the rich configuration and every sample without LVS sections.
    @Test func printedTextMeansTheSameToKeepalived() throws {
        let namespace = try Namespace()
        defer { namespace.close() }
        var originals = [("rich.conf", RichConfiguration.text)]
        for file in try VRRPModelText.sampleFiles() {
            let configuration = try VRRPModelText.loadFile(file).configuration
            guard configuration.virtualServers.isEmpty && configuration.virtualServerGroups.isEmpty,
                !file.hasSuffix("conditional_conf")
            else { continue }
            originals.append((file, try String(contentsOfFile: file, encoding: .utf8)))
        }
        #expect(originals.count > 5)
        for (name, original) in originals {
            let printed = try VRRPModelText.model(original).rendered
            let expected = try namespace.keepalivedMessages(original).filter { message in
                !Self.intendedDifferences.contains { message.hasPrefix($0) }
            }
            let got = try namespace.keepalivedMessages(printed)
            #expect(got == expected, "\(name): keepalived says\n\(got)\ninstead of\n\(expected)")
        }
    }

    /// The checks this model makes are the ones keepalived makes: a refused input is refused
    /// by keepalived too.
    @Test(arguments: [
        "    priority 0", "    priority 256", "    priority high", "    advert_int 1.5", "    advert_int 0.005",
        "    version 3\n    advert_int 0.125", "    state PRIMARY", "    smtp_alert maybe",
        "    garp_master_delay 5000",
        "    down_timer_adverts 101", "    track_interface {\n        eth1 weight 254\n    }",
        "    authentication {\n        auth_type MD5\n    }", "    unicast_peer {\n        2001:db8::2\n    }",
        "    virtual_routes {\n        dest 10.0.0.0/8 via 192.0.2.254\n    }",
        "    virtual_rules {\n        from 10.0.0.0/8 table 5 pref 10\n    }",
    ])
    func refusedInputIsRefusedByKeepalived(body: String) throws {
        let namespace = try Namespace()
        defer { namespace.close() }
        let text = ConfigErrorsTests.instance(body)
        #expect(!VRRPModelText.errors(text).isEmpty)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "vrrpmodel-\(getpid())-\(UUID().uuidString).conf"
        ).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (keepalivedStatus, output) = try Namespace.run(
            "/usr/sbin/ip", ["netns", "exec", namespace.name, "/usr/sbin/keepalived", "-t", "-l", "-n", "-f", path],
            check: false)
        #expect(keepalivedStatus != 0, "keepalived accepted:\n\(text)\n\(output)")
    }
}
