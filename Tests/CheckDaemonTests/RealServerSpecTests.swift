import KeepalivedConfig
import Testing

@testable import CheckDaemon

@Suite struct RealServerSpecTests {
    func specs(_ text: String) throws -> [RealServerSpec] {
        RealServerSpec.all(in: try ConfigLoader().load(text: text).configuration).specs
    }

    static let base = """
        global_defs {
            smtp_alert_checker
        }
        virtual_server 10.0.0.1 80 {
            delay_loop 7
            protocol TCP
            ha_suspend
            retry 4
            real_server 10.0.0.2 8080 {
                weight 3
                TCP_CHECK {
                    connect_timeout 2
                }
            }
            real_server 10.0.0.3 {
                smtp_alert off
                MISC_CHECK {
                    misc_path "/bin/true"
                    delay_loop 2
                }
            }
        }
        """

    @Test func namesPortsAndInheritedSettingsComeFromTheConfiguration() throws {
        let all = try specs(Self.base)
        #expect(all.map(\.realServer) == ["[10.0.0.2]:8080", "[10.0.0.3]"])
        #expect(all.map(\.virtualServer) == ["[10.0.0.1]:80", "[10.0.0.1]:80"])
        #expect(all.map(\.port) == [8080, 80])
        #expect(all[0].weight == 3)
        #expect(all[0].checkers[0].settings.delayLoop == 7)
        #expect(all[0].checkers[0].settings.retry == 4)
        #expect(all[0].checkers[0].settings.connectTimeout == 2)
        #expect(all[1].checkers[0].settings.delayLoop == 2)
        #expect(all[0].suspendUnlessHolding?.description == "10.0.0.1")
        #expect(all.map(\.smtpAlert) == [true, false])
    }

    @Test func aSiblingAddedToTheVirtualServerLeavesAServersSpecEqual() throws {
        let before = try specs(Self.base)
        let after = try specs(
            Self.base.replacingOccurrences(
                of: "    real_server 10.0.0.3 {", with: "    real_server 10.0.0.9 80 {\n    }\n    real_server 10.0.0.3 {"))
        #expect(after.count == 3)
        #expect(before[0] == after[0])
        let changed = try specs(Self.base.replacingOccurrences(of: "connect_timeout 2", with: "connect_timeout 3"))
        #expect(before[0] != changed[0])
        #expect(before[1] == changed[1])
    }

    @Test func heldAddressesAreThoseOfMasterInstances() {
        let instances = [
            VIPFollower.Instance(state: "MASTER", addresses: ["10.0.0.1/24", "fd00::1/64"]),
            VIPFollower.Instance(state: "BACKUP", addresses: ["10.0.0.9/24"]),
        ]
        #expect(VIPFollower.heldAddresses(instances) == ["10.0.0.1", "fd00::1"])
        #expect(VIPFollower.heldAddresses([VIPFollower.Instance]()).isEmpty)
    }
}
