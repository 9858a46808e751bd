import KeepalivedConfig
import Testing
import VRRP
import VRRPDaemon

/// keepalived.conf text → what a runner uses: the advert it sends, what it accepts, its VIPs.
@Suite struct InstanceSettingsTests {
    func settings(_ text: String) throws -> [Result<InstanceSettings, InstanceSettingsError>] {
        let configuration = try ConfigLoader().load(text: text).configuration
        return configuration.instances.map { instance in
            Result { () throws(InstanceSettingsError) in
                try InstanceSettings(instance, globals: configuration.globalDefinitions)
            }
        }
    }

    @Test func version3AtATenthOfASecondAdvertisesCentiseconds() throws {
        let result = try settings(
            """
            vrrp_instance VI_1 {
                version 3
                interface eth0
                virtual_router_id 51
                priority 150
                advert_int 0.1
                nopreempt
                virtual_ipaddress {
                    10.0.0.100/24 brd + dev eth1 scope link label eth1:vip
                    10.0.0.101
                }
                virtual_ipaddress_excluded {
                    192.168.7.1/24
                }
            }
            """)
        let settings = try #require(try result.first?.get())
        #expect(settings.version == .v3)
        #expect(settings.advertInterval == .centiseconds(10))
        #expect(settings.preempt == false)
        #expect(settings.destination == .multicast(group: VRRPAdvert.ipv4MulticastGroup))
        let advert = settings.advert(priority: 150)
        #expect(advert.advertInterval == 10)
        #expect(advert.virtualRouterID == 51)
        #expect(advert.addresses == [InetAddress(10, 0, 0, 100), InetAddress(10, 0, 0, 101)])
        #expect(advert.authType == .none)

        let first = settings.virtualAddresses[0]
        #expect(first.prefixLength == 24)
        #expect(first.broadcast == InetAddress(10, 0, 0, 255))
        #expect(first.device == "eth1")
        #expect(first.scope == "link")
        #expect(first.label == "eth1:vip")
        #expect(settings.virtualAddresses[1].prefixLength == 32)
        #expect(settings.virtualAddresses[1].device == "eth0")
        #expect(settings.excludedAddresses.map(\.address) == [InetAddress(192, 168, 7, 1)])

        let expectations = settings.expectations(ownAddresses: [], isAddressOwner: false)
        #expect(expectations.virtualAddresses == advert.addresses)
        #expect(expectations.advertIntervalCentiseconds == 10)
    }

    @Test func version2WithPasswordAndUnicastPeers() throws {
        let result = try settings(
            """
            global_defs {
                vrrp_garp_master_repeat 2
            }
            vrrp_instance VI_2 {
                interface eth0
                virtual_router_id 7
                advert_int 2
                unicast_src_ip 10.0.0.1
                unicast_peer {
                    10.0.0.2
                    10.0.0.3
                }
                authentication {
                    auth_type PASS
                    auth_pass secret123
                }
                virtual_ipaddress {
                    10.0.0.100/24
                }
            }
            """)
        let settings = try #require(try result.first?.get())
        #expect(settings.version == .v2)
        #expect(settings.priority == 100)
        #expect(settings.advert(priority: 100).advertInterval == 2)
        #expect(settings.authentication == .password(VRRPAdvert.Password("secret12")))
        #expect(settings.destination == .unicast(peers: [InetAddress(10, 0, 0, 2), InetAddress(10, 0, 0, 3)]))
        #expect(settings.sourceAddress == InetAddress(10, 0, 0, 1))
        #expect(settings.garpMasterRepeat == 2)
        #expect(settings.garpMasterDelay == 5)
        let machine = try settings.machineConfiguration(primaryAddress: InetAddress(10, 0, 0, 1))
        #expect(machine.advertInterval == .seconds(2))
        #expect(machine.primaryAddress == .ipv4(10, 0, 0, 1))
    }

    @Test func instancesThatCannotRunAreRefusedWithTheirName() throws {
        let result = try settings(
            """
            vrrp_instance NO_IF {
                virtual_router_id 1
                unicast_peer {
                    10.0.0.2
                }
                virtual_ipaddress {
                    10.0.0.100
                }
            }
            """)
        #expect(throws: InstanceSettingsError.noInterface(instance: "NO_IF")) { try result[0].get() }
        #expect("\(InstanceSettingsError.noInterface(instance: "NO_IF"))".contains("VRRP_Instance(NO_IF)"))
    }
}
