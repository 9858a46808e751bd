import Foundation
import Testing

@testable import KeepalivedConfig

@Suite("LVS printing and JSON")
struct LVSRoundTripTests {
    @Test func richConfigPrintsBackToTheSameModel() throws {
        let configuration = LVSText.model(richLVSConfig)
        #expect(configuration.virtualServers.count == 3)
        let printed = configuration.rendered
        let again = LVSText.model(printed, file: "printed.conf")
        #expect(again.virtualServerGroups == configuration.virtualServerGroups)
        #expect(again.virtualServers == configuration.virtualServers)
        // Printing is stable: the second print is the same text.
        #expect(again.rendered == printed)
    }

    @Test func printedFormsOfValues() {
        let configuration = LVSText.model(richLVSConfig)
        let printed = configuration.rendered
        #expect(printed.contains("10.0.0.2-20 8080\n"))
        #expect(printed.contains("10.0.1.250-10.0.2.5 80\n"))
        #expect(printed.contains("2001:db8::10-1f 80\n"))
        #expect(printed.contains("lvs_method TUN type gue port 6080 csum\n"))
        #expect(printed.contains("quorum_up \"/usr/local/bin/quorum up\" nobody nogroup\n"))
        #expect(printed.contains("status_code 200-299 301 404\n"))
        #expect(printed.contains("delay_loop 10.5\n"))
        #expect(printed.contains("retry 5\n"))
        #expect(!printed.contains("nb_get_retry"))
    }

    @Test func jsonRoundTrip() throws {
        let configuration = LVSText.model(richLVSConfig)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(configuration.virtualServers)
        let decoded = try JSONDecoder().decode([VirtualServer].self, from: data)
        #expect(decoded == configuration.virtualServers)
        let groups = try JSONDecoder().decode(
            [VirtualServerGroup].self, from: encoder.encode(configuration.virtualServerGroups))
        #expect(groups == configuration.virtualServerGroups)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"realServers\":["))
        #expect(text.contains("\"scheduler\":\"sh\""))
        #expect(text.contains("\"httpGet\":{"))
        #expect(text.contains("\"service\":{\"group\":{\"name\":\"WEB\"}}"))
        #expect(text.contains("\"forwardingMethod\":{\"kind\":\"TUN\""))
    }

    /// Historic keywords read into the same model as today's.
    @Test func historicSpellings() {
        let old = """
            virtual_server 10.0.0.1 80 {
                lb_algo wrr
                lb_kind DR
                nat_mask 255.255.255.0
                real_server 10.0.0.2 80 {
                    lb_kind TUN
                    HTTP_GET {
                        url {
                            path /
                        }
                        nb_get_retry 3
                    }
                }
            }
            """
        let current = """
            virtual_server 10.0.0.1 80 {
                lvs_sched wrr
                lvs_method DR
                real_server 10.0.0.2 80 {
                    lvs_method TUN
                    HTTP_GET {
                        url {
                            path /
                        }
                        retry 3
                    }
                }
            }
            """
        let (historic, diagnostics) = LVSText.read(old)
        #expect(diagnostics.errors.isEmpty)
        #expect(historic.virtualServers == LVSText.model(current).virtualServers)
        #expect(diagnostics.warnings.map(\.message).contains { $0.contains("nat_mask") })
        #expect(diagnostics.warnings.map(\.message).contains { $0.contains("nb_get_retry") })
    }

    /// The reader stays linear: many real servers with TCP_CHECK all arrive, in order.
    @Test func manyRealServers() throws {
        var text = "virtual_server 10.0.0.1 80 {\n"
        for index in 0..<20_000 {
            text += "real_server 10.\(1 + index / 65536).\(index / 256 % 256).\(index % 256) 80 {\n"
            text += "weight \(index % 100)\nTCP_CHECK {\nconnect_timeout 3\n}\n}\n"
        }
        text += "}\n"
        let (configuration, diagnostics) = LVSText.read(text)
        #expect(diagnostics.errors.isEmpty)
        let reals = try #require(configuration.virtualServers.first?.realServers)
        #expect(reals.count == 20_000)
        #expect(reals.last?.address == IPAddress("10.1.78.31"))
        #expect(reals.last?.weight == 99)
    }
}
