import IPVS
import KeepalivedConfig
import Testing

@testable import IPVSDaemon

@Suite struct GroupTests {
    @Test func addressesRangesPrefixesAndFwmarksExpand() throws {
        var state = TableState(
            configuration: try configuration(
                """
                virtual_server_group web {
                    10.0.0.1 80
                    10.0.1.250-10.0.2.1 80
                    10.0.3.0/30 443
                    fwmark 5
                }
                virtual_server group web {
                    protocol TCP
                    real_server 10.0.9.2 { }
                }
                """))
        let (step, kernel) = state.converge(IPVSTable())
        let expected: [IPVSService.Key] =
            [tcp("10.0.0.1", 80)]
            + [
                "10.0.1.250", "10.0.1.251", "10.0.1.252", "10.0.1.253", "10.0.1.254", "10.0.1.255", "10.0.2.0",
                "10.0.2.1",
            ]
            .map { tcp($0, 80) }
            + ["10.0.3.0", "10.0.3.1", "10.0.3.2", "10.0.3.3"].map { tcp($0, 443) }
            + [.firewallMark(5, family: .ipv4)]
        #expect(step.views.first?.keys == expected)
        #expect(Set(kernel.entries.keys) == Set(expected))
        // A real server without a port takes each service's port.
        #expect(kernel.weight(tcp("10.0.2.1", 80), endpoint("10.0.9.2", 80)) == 1)
        #expect(kernel.weight(tcp("10.0.3.2", 443), endpoint("10.0.9.2", 443)) == 1)
        #expect(kernel.weight(.firewallMark(5, family: .ipv4), endpoint("10.0.9.2", 0)) == 1)
    }

    @Test func shortIPv6RangesAndFamiliesOfFwmarks() throws {
        var state = TableState(
            configuration: try configuration(
                """
                virtual_server_group v6 {
                    2001:db8::1-3 53
                    fwmark 9
                }
                virtual_server group v6 {
                    protocol UDP
                    real_server 2001:db8::100 53 { }
                }
                """))
        let (step, _) = state.converge(IPVSTable())
        let keys = step.views.first?.keys ?? []
        #expect(keys.count == 4)
        #expect(keys.first == .address(.udp, address("2001:db8::1"), port: 53))
        #expect(keys.last == .firewallMark(9, family: .ipv6))
        #expect(step.views.first?.name == "group v6/udp")
    }

    @Test func aShrunkGroupRetiresOnlyTheEntriesItLost() throws {
        let text = """
            virtual_server_group web {
                10.0.0.1-3 80
            }
            virtual_server group web {
                protocol TCP
                real_server 10.0.9.2 80 { }
            }
            """
        var state = TableState(configuration: try configuration(text))
        let (_, kernel) = state.converge(IPVSTable())
        state.reload(try configuration(text.replacingOccurrences(of: "10.0.0.1-3", with: "10.0.0.1-2")))
        let (step, _) = state.converge(kernel)
        #expect(step.operations.map(\.description) == ["Removing Virtual Server [10.0.0.3]:80"])
    }

    @Test func aHugePrefixIsRefusedNotExpanded() throws {
        var state = TableState(
            configuration: try configuration(
                """
                virtual_server_group big {
                    10.0.0.0/8 80
                }
                virtual_server group big {
                    protocol TCP
                    real_server 10.0.9.2 80 { }
                }
                virtual_server 10.1.0.1 80 {
                    protocol TCP
                    real_server 10.0.9.2 80 { }
                }
                """))
        let (step, kernel) = state.converge(IPVSTable())
        #expect(step.views.first?.error != nil)
        #expect(step.views.first?.error?.description.contains("10.0.0.0/8") == true)
        #expect(Array(kernel.entries.keys) == [tcp("10.1.0.1", 80)])
    }

    @Test func persistenceGranularityAsPrefixLengthForIPv6() throws {
        var state = TableState(
            configuration: try configuration(
                """
                virtual_server 2001:db8::1 443 {
                    protocol TCP
                    persistence_timeout
                    persistence_granularity 64
                    real_server 2001:db8::2 443 { }
                }
                """))
        let (_, kernel) = state.converge(IPVSTable())
        let key = IPVSService.Key.address(.tcp, address("2001:db8::1"), port: 443)
        #expect(kernel.entries[key]?.service.persistence == IPVSPersistence(timeout: 360, prefixLength: 64))
    }
}
