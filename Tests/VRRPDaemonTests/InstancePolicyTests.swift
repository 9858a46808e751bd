import KeepalivedConfig
import Testing
import VRRP
import VRRPDaemon

/// keepalived's defaults for the advert policy and accept mode, with and without vrrp_strict.
@Suite struct InstancePolicyTests {
    static func policy(_ globals: String, _ body: String = "") throws -> InstancePolicy {
        let text =
            globals
            + "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority 100\n\(body)\n virtual_ipaddress {\n 192.0.2.1/24\n }\n}\n"
        let configuration = try ConfigLoader().load(text: text).configuration
        let instance = try #require(configuration.instances.first)
        return try InstanceSettings(instance, globals: configuration.globalDefinitions).policy
    }

    @Test func keepalivedDefaults() throws {
        let policy = try Self.policy("")
        #expect(policy.accept)
        #expect(!policy.advertPolicy.lowerPriorityNoAdvert)
        #expect(!policy.advertPolicy.higherPrioritySendAdvert)
        #expect(policy.advertPolicy.lowerPriorityGARPRepeat == 5)
        #expect(policy.advertPolicy.lowerPriorityGARPDelay == .seconds(5))
        #expect(policy.advertPolicy.downTimerAdverts == 3)
        #expect(!policy.smtpAlert)
        #expect(!policy.dropsTrafficToVIPs(basePriority: 100))
    }

    @Test func strictModeDefaults() throws {
        let policy = try Self.policy("global_defs {\n vrrp_strict\n}\n")
        #expect(!policy.accept)
        #expect(policy.advertPolicy.lowerPriorityNoAdvert)
        #expect(policy.advertPolicy.lowerPriorityGARPRepeat == 0)
        #expect(policy.dropsTrafficToVIPs(basePriority: 100))
        #expect(!policy.dropsTrafficToVIPs(basePriority: 255))
    }

    @Test func globalsAndInstanceSettings() throws {
        let globals = """
            global_defs {
                vrrp_garp_lower_prio_repeat 2
                vrrp_garp_lower_prio_delay 9
                vrrp_lower_prio_no_advert
                vrrp_down_timer_adverts 5
                smtp_alert_vrrp true
            }

            """
        let policy = try Self.policy(globals, " no_accept\n higher_prio_send_advert\n promote_secondaries")
        #expect(policy.advertPolicy.lowerPriorityGARPRepeat == 2)
        #expect(policy.advertPolicy.lowerPriorityGARPDelay == .seconds(9))
        #expect(policy.advertPolicy.lowerPriorityNoAdvert)
        #expect(policy.advertPolicy.higherPrioritySendAdvert)
        #expect(policy.advertPolicy.downTimerAdverts == 5)
        #expect(!policy.accept)
        #expect(policy.promoteSecondaries)
        #expect(policy.smtpAlert)
    }
}
