import Testing

@testable import KeepalivedConfig

/// Each malformed input gives exactly one error, at the word that is wrong.
@Suite("LVS errors")
struct LVSErrorTests {
    static let cases: [(text: String, location: String, message: String)] = [
        ("virtual_server 10.0.0.1 70000 {\n}", "test.conf:1:25", "port"),
        ("virtual_server 10.0.0.300 80 {\n}", "test.conf:1:16", "IPv4 or IPv6"),
        ("virtual_server 10.0.0.1 80 {\n    lvs_sched fastest\n}", "test.conf:2:15", "lvs_sched"),
        ("virtual_server 10.0.0.1 80 {\n    lb_algo fastest\n}", "test.conf:2:13", "lb_algo"),
        ("virtual_server 10.0.0.1 {\n    lvs_sched rr\n}", "test.conf:1:16", "needs a port"),
        ("virtual_server group NOPE {\n    lvs_sched rr\n}", "test.conf:1:22", "NOPE"),
        (
            "virtual_server 10.0.0.1 80 {\n    real_server 10.0.0.2 80 {\n        weight -1\n    }\n}",
            "test.conf:3:16", "weight"
        ),
        ("virtual_server 10.0.0.1 80 {\n    real_server 10.0.0.2 99999 {\n    }\n}", "test.conf:2:26", "port"),
        (
            "virtual_server 10.0.0.1 80 {\n    real_server 10.0.0.2 80 {\n        TCP_CHECK {\n            connect_port 65536\n        }\n    }\n}",
            "test.conf:4:26", "connect_port"
        ),
        ("virtual_server 10.0.0.1 80 {\n    lvs_method TUN type gue\n}", "test.conf:2:25", "port"),
        ("virtual_server 10.0.0.1 80 {\n    lvs_method TUN csum\n}", "test.conf:2:20", "ipip"),
        ("virtual_server 10.0.0.1 80 {\n    lvs_method MASQ\n}", "test.conf:2:16", "NAT, DR or TUN"),
        ("virtual_server 10.0.0.1 80 {\n    protocol ICMP\n}", "test.conf:2:14", "protocol"),
        (
            "virtual_server 10.0.0.1 80 {\n    real_server 10.0.0.2 80 {\n        HTTP_GET {\n            url {\n                path /\n                status_code 200-99\n            }\n        }\n    }\n}",
            "test.conf:6:29", "status_code"
        ),
        (
            "virtual_server 10.0.0.1 80 {\n    real_server 10.0.0.2 80 {\n        HTTP_GET {\n            url {\n                digest xyz\n                path /\n            }\n        }\n    }\n}",
            "test.conf:5:24", "digest"
        ),
        (
            "virtual_server 10.0.0.1 80 {\n    real_server 10.0.0.2 80 {\n        MISC_CHECK {\n            misc_timeout 3\n        }\n    }\n}",
            "test.conf:3:9", "misc_path"
        ),
        ("virtual_server_group G {\n    10.0.0.9-3 80\n}", "test.conf:2:5", "virtual_server_group"),
        (
            "virtual_server_group G {\n    10.0.0.1 80\n    2001:db8::1 80\n    fwmark 3\n}", "test.conf:1:1",
            "fwmark needs inet or inet6"
        ),
        (
            "virtual_server 10.0.0.1 80 {\n    persistence_granularity 255.0.255.0\n    persistence_timeout 10\n}",
            "test.conf:2:29", "persistence_granularity"
        ),
        ("virtual_server 10.0.0.1 80 {\n    real_server 2001:db8::2 80 {\n    }\n}", "test.conf:2:5", "address family"),
        (
            "virtual_server 10.0.0.1 80 {\n    real_server 10.0.0.2 80 {\n        UDP_CHECK {\n            payload 12zz\n        }\n    }\n}",
            "test.conf:4:21", "payload"
        ),
        (
            "virtual_server 10.0.0.1 80 {\n    real_server 10.0.0.2 80 {\n        FILE_CHECK {\n            track_file nope\n        }\n    }\n}",
            "test.conf:4:13", "track_file nope"
        ),
        (
            "virtual_server_group G {\n    10.0.0.1 80\n}\nvirtual_server group G {\n    protocol TCP\n    real_server 2001:db8::3 80 {\n    }\n}",
            "test.conf:6:5", "address family of virtual_server_group G"
        ),
        (
            "virtual_server 10.0.0.1 80 {\n    real_server 10.0.0.2 80 {\n        HTTP_GET {\n            connect_timeout 3\n        }\n    }\n}",
            "test.conf:3:9", "at least one url"
        ),
    ]

    /// keepalived's ranges for timers, retries and ports, each refused at the value.
    static let rangeCases: [(block: String, keyword: String)] = [
        ("virtual_server", "delay_loop 0"),
        ("virtual_server", "connect_timeout 0"),
        ("virtual_server", "retry 0"),
        ("virtual_server", "persistence_timeout 2678401"),
        ("virtual_server", "quorum 0"),
        ("real_server", "delay_loop 0"),
        ("real_server", "connect_timeout 5000"),
        ("real_server", "retry 0"),
        ("TCP_CHECK", "connect_port 0"),
        ("TCP_CHECK", "bind_port 0"),
        ("TCP_CHECK", "connect_timeout 0"),
        ("TCP_CHECK", "delay_loop 0"),
    ]

    @Test(arguments: rangeCases.indices)
    func valueOutOfKeepalivedsRange(index: Int) {
        let (block, keyword) = Self.rangeCases[index]
        let line = "            \(keyword)\n"
        let text =
            "virtual_server 10.0.0.1 80 {\n" + (block == "virtual_server" ? line : "")
            + "    real_server 10.0.0.2 80 {\n" + (block == "real_server" ? line : "")
            + "        TCP_CHECK {\n" + (block == "TCP_CHECK" ? line : "") + "        }\n    }\n}\n"
        let lineNumber = ["virtual_server": 2, "real_server": 3, "TCP_CHECK": 4][block]!
        let valueColumn = 13 + keyword.firstIndex(of: " ")!.utf16Offset(in: keyword) + 1
        let (_, diagnostics) = LVSText.read(text)
        #expect(diagnostics.errors.map(\.location.description) == ["test.conf:\(lineNumber):\(valueColumn)"])
    }

    @Test func zeroIsFineForACheckersRetryAndDelays() {
        let text = """
            virtual_server 10.0.0.1 80 {
                warmup 0
                delay_before_retry 0
                real_server 10.0.0.2 80 {
                    TCP_CHECK {
                        retry 0
                        delay_before_retry 0
                    }
                }
            }
            """
        #expect(LVSText.read(text).1.errors.isEmpty)
    }

    @Test(arguments: cases.indices)
    func oneErrorAtTheWord(index: Int) {
        let (text, location, message) = Self.cases[index]
        let (_, diagnostics) = LVSText.read(text)
        #expect(diagnostics.errors.count == 1, "\(diagnostics.all)")
        let error = diagnostics.errors.first
        #expect(error?.location.description == location, "\(String(describing: error))")
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    @Test func unknownKeywordsWarnAndReadingGoesOn() throws {
        let text =
            "virtual_server 10.0.0.1 80 {\n    frobnicate 3\n    real_server 10.0.0.2 80 {\n        weight 5\n        TCP_CHECK {\n            wobble\n        }\n    }\n    protocol TCP\n}"
        let (configuration, diagnostics) = LVSText.read(text)
        #expect(diagnostics.errors.isEmpty)
        #expect(diagnostics.warnings.map(\.location.description) == ["test.conf:2:5", "test.conf:6:13"])
        #expect(configuration.virtualServers.first?.realServers.first?.weight == 5)
    }

    @Test func keepalivedWarningsThatDoNotRefuse() {
        let text = """
            virtual_server fwmark 5 {
                protocol TCP
                quorum 10
                real_server 10.0.0.2 80 {
                }
            }
            virtual_server 10.0.0.1 80 {
                ops
                protocol TCP
            }
            virtual_server 10.0.0.3 80 {
                sh-port
                lvs_sched sh
                lvs_method DR
                sorry_server 10.0.0.9 8080
                real_server 10.0.0.4 8080 {
                }
                real_server 10.0.0.5 80 {
                }
                real_server 10.0.0.5 80 {
                }
            }
            """
        let (configuration, diagnostics) = LVSText.read(text)
        #expect(diagnostics.errors.isEmpty)
        // What keepalived corrects, the model holds corrected.
        let servers = configuration.virtualServers
        #expect(servers.first?.realServers.first?.port == nil)
        #expect(servers.first?.quorum == 1)
        #expect(servers.dropFirst().first?.onePacketScheduling == false)
        #expect(servers.last?.schedulerFlags == SchedulerFlags())
        #expect(servers.last?.sorryServer?.port == 80)
        #expect(servers.last?.realServers.map(\.address.description) == ["10.0.0.4", "10.0.0.5"])
        #expect(servers.last?.realServers.first?.port == 80)
        let messages = diagnostics.warnings.map(\.message)
        #expect(messages.contains { $0.contains("protocol is ignored") })
        #expect(messages.contains { $0.contains("port of real_server 10.0.0.2 is ignored") })
        #expect(messages.contains { $0.contains("quorum 10 exceeds") })
        #expect(messages.contains { $0.contains("requires protocol UDP") })
        #expect(messages.contains { $0.contains("real_server 10.0.0.4 port 8080 differs") })
        #expect(messages.contains { $0.contains("real_server 10.0.0.5 80 is duplicated") })
        #expect(messages.contains { $0.contains("sorry_server port 8080 differs") })
        #expect(messages.contains { $0.contains("'sh-port' only applies to the sh scheduler") })
        #expect(
            messages.contains { $0.contains("virtual_server 10.0.0.3 80: no protocol set, keepalived defaults to UDP") }
        )
    }
}
