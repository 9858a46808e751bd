import Foundation
import Testing

@testable import KeepalivedConfig

/// `vrrp_strict` beside `keepalived -t`: what keepalived refuses we refuse with file:line:column,
/// what it resets we reset with a warning, and neither says anything about a compliant block.
@Suite(
    "vrrp_strict as keepalived -t sees it",
    .enabled(if: getuid() == 0, "needs root: creates a network namespace"),
    .enabled(
        if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/keepalived"),
        "needs keepalived installed (apt-get install keepalived)"))
struct StrictModeKeepalivedTests {
    /// One strict instance on eth0 with `body` inside its block.
    static func strict(_ body: String, vips: Bool = true) -> String {
        """
        global_defs {
            vrrp_strict
        }
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
        \(body)

        """ + (vips ? "    virtual_ipaddress {\n        192.0.2.100/24\n    }\n" : "") + "}\n"
    }

    /// keepalived's message for a rule, and ours for the same rule.
    static let rules: [(keepalived: String, ours: String)] = [
        ("No VIP specified", "No VIP specified"),
        ("State MASTER must match being address owner", "State MASTER must match being address owner"),
        ("does not support authentication", "does not support authentication"),
        ("preempt_delay is incompatible with strict mode", "preempt_delay is incompatible with strict mode"),
        ("requires no repeat garps", "requires no repeat garps"),
        ("requires higher_prio_send_advert to be clear", "requires higher_prio_send_advert to be clear"),
        ("requires no lower priority advert", "requires lower_prio_no_advert"),
    ]

    func ours(_ text: String) -> (errors: [Diagnostic], warnings: [Diagnostic]) {
        do {
            let loaded = try ConfigLoader().load(text: text, file: "strict.conf")
            return ([], loaded.warnings)
        } catch {
            return (error.diagnostics.filter { $0.severity == .error }, error.diagnostics.filter { $0.severity == .warning })
        }
    }

    @Test(
        "each rule: keepalived -t and we report the same things",
        arguments: [
            ("priority 100", true),
            ("priority 100", false),
            ("state MASTER\n    priority 100", true),
            ("state BACKUP\n    priority 255", true),
            ("priority 100\n    authentication {\n        auth_type PASS\n        auth_pass secret\n    }", true),
            ("priority 100\n    preempt_delay 10", true),
            ("priority 100\n    garp_lower_prio_repeat 3", true),
            ("priority 100\n    higher_prio_send_advert", true),
            ("priority 100\n    lower_prio_no_advert false", true),
        ])
    func sameFindings(body: String, vips: Bool) throws {
        let text = Self.strict("    " + body, vips: vips)
        let namespace = try VRRPModelKeepalivedTests.Namespace()
        defer { namespace.close() }
        let theirs = try namespace.keepalivedOutput(text).joined(separator: "\n")
        let (errors, warnings) = ours(text)
        let ourText = (errors + warnings).map(\.message).joined(separator: "\n")
        for rule in Self.rules {
            #expect(
                theirs.contains(rule.keepalived) == ourText.contains(rule.ours),
                "\(rule.keepalived): keepalived said \(theirs.debugDescription), we said \(ourText.debugDescription)")
        }
    }

    @Test func noVIPIsRefusedWithItsLocation() throws {
        let (errors, _) = ours(Self.strict("    priority 100", vips: false))
        let error = try #require(errors.first)
        #expect(error.description == "strict.conf:4:1: error: (VI_1) No VIP specified; at least one is required")
    }

    /// keepalived refuses the instance when it starts (`-t` does not look at interfaces, so it
    /// cannot say): we refuse the file at load, pointing at the unicast_peer block.
    @Test func unicastPeersAreRefused() throws {
        let text = Self.strict("    priority 100\n    unicast_peer {\n        192.0.2.2\n    }")
        let (errors, _) = ours(text)
        #expect(errors.map(\.description) == ["strict.conf:8:5: error: (VI_1) Unicast peers are not supported in strict mode"])
    }

    @Test func resetsLeaveWhatKeepalivedRuns() throws {
        let text = Self.strict(
            "    priority 100\n    garp_lower_prio_repeat 3\n    garp_lower_prio_delay 7\n    accept\n    vmac_xmit_base")
        let instance = try #require(try ConfigLoader().load(text: text).configuration.instances.first)
        #expect(instance.garpLowerPriorityRepeat == nil)
        #expect(instance.garpLowerPriorityDelay == nil)
        #expect(instance.accept == nil)
        #expect(!instance.vmacTransmitBase)
        // v2 accept stays for the address owner, as keepalived keeps it.
        let owner = Self.strict("    priority 255\n    accept")
        #expect(try ConfigLoader().load(text: owner).configuration.instances.first?.accept == true)
    }
}
