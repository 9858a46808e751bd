import KeepalivedConfig
import Testing
import VRRP
import VRRPDaemon

/// `use_vmac`, `vmac_xmit_base` and `auth_type AH` as a runner reads them.
@Suite struct VMACAndAHSettingsTests {
    func settings(
        _ body: String, vrid: Int = 51, addresses: [String] = ["10.0.0.100/24", "10.0.0.101/24 dev eth1"]
    ) throws -> Result<InstanceSettings, InstanceSettingsError> {
        let text = """
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id \(vrid)
                priority 150
            \(body)
                virtual_ipaddress {
            \(addresses.map { "        " + $0 }.joined(separator: "\n"))
                }
            }
            """
        let configuration = try ConfigLoader().load(text: text).configuration
        let instance = try #require(configuration.instances.first)
        return Result { () throws(InstanceSettingsError) in
            try InstanceSettings(instance, globals: configuration.globalDefinitions)
        }
    }

    @Test func useVMACDefaultsToVRRPDotVRIDWithTheVirtualRouterMAC() throws {
        let settings = try settings("    use_vmac", vrid: 10).get()
        let vmac = try #require(settings.vmac)
        #expect(vmac.name == "vrrp.10")
        #expect(vmac.mac.description == "00:00:5e:00:01:0a")
        #expect(!vmac.transmitBase)
        #expect(settings.interface == "eth0", "tracking and the parent stay on the configured interface")
        #expect(settings.advertInterface == "vrrp.10")
        #expect(settings.addressInterface == "vrrp.10")
        #expect(settings.virtualAddresses.map(\.device) == ["vrrp.10", "eth1"], "an explicit dev is kept")
    }

    @Test func ipv6VMACUsesTheIPv6VirtualRouterMAC() throws {
        let settings = try settings("    use_vmac", vrid: 10, addresses: ["fd00::100/64"]).get()
        let vmac = try #require(settings.vmac)
        #expect(vmac.name == "vrrp.10")
        #expect(vmac.mac.description == "00:00:5e:00:02:0a")
        #expect(vmac.isIPv6)
        #expect(settings.advertInterface == "vrrp.10")
        #expect(settings.virtualAddresses.map(\.device) == ["vrrp.10"])
        #expect(try !self.settings("    use_vmac").get().vmac!.isIPv6)
    }

    @Test func namedVMACWithFiveOctetMACAndTransmitBase() throws {
        let settings = try settings("    use_vmac vip0 02:00:5e:00:01\n    vmac_xmit_base", vrid: 42).get()
        let vmac = try #require(settings.vmac)
        #expect(vmac.name == "vip0")
        #expect(vmac.mac.description == "02:00:5e:00:01:2a")
        #expect(vmac.transmitBase)
        #expect(settings.advertInterface == "eth0")
        #expect(settings.addressInterface == "vip0")
    }

    @Test func badVMACNameOrMulticastMACIsRefused() throws {
        #expect(
            throws: InstanceSettingsError.outOfRange(
                instance: "VI_1", keyword: "use_vmac", value: "a-far-too-long-name")
        ) {
            try settings("    use_vmac a-far-too-long-name").get()
        }
        #expect(
            throws: InstanceSettingsError.outOfRange(instance: "VI_1", keyword: "use_vmac", value: "01:00:5e:00:01:01")
        ) {
            try settings("    use_vmac 01:00:5e:00:01:01").get()
        }
    }

    @Test func changingTheVMACOrTheAuthTypeNeedsANewSocket() throws {
        let plain = try settings("").get()
        let vmac = try settings("    use_vmac").get()
        let ah = try settings("    authentication {\n        auth_type AH\n        auth_pass secret\n    }").get()
        let pass = try settings("    authentication {\n        auth_type PASS\n        auth_pass secret\n    }").get()
        #expect(!plain.canReload(to: vmac))
        #expect(!pass.canReload(to: ah))
        #expect(plain.canReload(to: pass))
    }

    @Test func authTypeAHKeysWithTheAuthPassAndAdvertisesTypeTwo() throws {
        let settings = try settings("    authentication {\n        auth_type AH\n        auth_pass secret\n    }").get()
        #expect(settings.authentication == .ipsecAH(VRRPAdvert.Password("secret")))
        #expect(settings.usesAuthenticationHeader)
        let advert = settings.advert(priority: 150)
        #expect(advert.authType == .ipsecAH)
        #expect(advert.authData == Array(repeating: 0, count: 8), "the password never travels in the clear")
    }

    @Test func theVirtualRouterMACForIPv6HasTwoInTheFifthOctet() {
        #expect(VMACSettings.virtualRouterMAC(255, ipv6: true).description == "00:00:5e:00:02:ff")
    }
}
