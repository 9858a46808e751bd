import KeepalivedConfig
import Testing
import VRRP
import VRRPDaemon

/// IPv6 instances read from keepalived.conf: group, peers, source, VIPs, routes, gna_interval.
@Suite struct IPv6SettingsTests {
    func settings(_ text: String) throws -> [InstanceSettings] {
        let configuration = try ConfigLoader().load(text: text).configuration
        return try configuration.instances.map { instance throws(InstanceSettingsError) in
            try InstanceSettings(instance, globals: configuration.globalDefinitions)
        }
    }

    @Test func anIPv6InstanceAdvertisesToFF02_12OrTheConfiguredGroup() throws {
        let all = try settings(
            """
            global_defs {
                vrrp_mcast_group6 ff02::1:12
                vrrp_gna_interval 0.25
            }
            vrrp_instance V4 {
                interface eth0
                virtual_router_id 1
                virtual_ipaddress {
                    10.0.0.100/24
                }
            }
            vrrp_instance V6 {
                interface eth0
                virtual_router_id 2
                virtual_ipaddress {
                    fd00::100/64
                    fe80::100/64
                }
                virtual_routes {
                    fd00:1::/64 via fd00::1
                    fd00:2::5 dev eth0
                }
            }
            vrrp_instance V6_OWN_GROUP {
                interface eth0
                virtual_router_id 3
                mcast_dst_ip ff02::99
                virtual_ipaddress {
                    fd00::101/64
                }
            }
            """)
        #expect(all[0].family == .ipv4 && all[0].destination == .multicast(group: VRRPAdvert.ipv4MulticastGroup))
        #expect(all[1].family == .ipv6 && all[1].version == .v3)
        #expect(all[1].destination == .multicast(group: InetAddress("ff02::1:12")!))
        #expect(all[1].advertisedAddresses == [InetAddress("fd00::100")!, InetAddress("fe80::100")!])
        #expect(all[1].virtualAddresses.map(\.prefixLength) == [64, 64])
        #expect(all[1].virtualRoutes.map(\.destination) == ["fd00:1::/64", "fd00:2::5"])
        #expect(all[1].gnaInterval == .milliseconds(250))
        #expect(all[2].destination == .multicast(group: InetAddress("ff02::99")!))
        // The advert carries 16-byte addresses, so it needs an IPv6 source to encode.
        let message = try all[1].advert(priority: 100).encodedMessage(
            source: InetAddress("fe80::1")!, destination: VRRPAdvert.ipv6MulticastGroup)
        #expect(message.count == 8 + 2 * 16)
    }

    @Test func unicastPeersKeepTheirAddressWithoutTheZone() throws {
        let all = try settings(
            """
            vrrp_instance LINK_LOCAL {
                interface eth0
                virtual_router_id 4
                unicast_peer {
                    fe80::2%eth0
                    fe80::3
                }
                virtual_ipaddress {
                    fd00::100/64
                }
            }
            vrrp_instance GLOBAL {
                interface eth0
                virtual_router_id 5
                unicast_src_ip fd00::1
                unicast_peer {
                    fd00::2
                }
                virtual_ipaddress {
                    fd00::101/64
                }
            }
            """)
        #expect(all[0].destination == .unicast(peers: [InetAddress("fe80::2")!, InetAddress("fe80::3")!]))
        #expect(all[0].sourceAddress == nil && all[0].family == .ipv6)
        #expect(all[1].destination == .unicast(peers: [InetAddress("fd00::2")!]))
        #expect(all[1].sourceAddress == InetAddress("fd00::1")!)
    }
}
