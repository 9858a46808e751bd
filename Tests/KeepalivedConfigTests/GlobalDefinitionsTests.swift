import Testing

@testable import KeepalivedConfig

/// global_defs: typed keywords, kept keywords and keepalived's warnings.
@Suite struct GlobalDefinitionsTests {
    @Test func typedKeywordsAreRead() throws {
        let global = try VRRPModelText.model(RichConfiguration.text).globalDefinitions
        #expect(global.routerID == "edge 1")
        #expect(global.notificationEmails == ["ops@example.com", "noc@example.com"])
        #expect(global.smtpServer == .init(host: "192.0.2.25", port: 2525))
        #expect(global.scriptUser == ScriptUser(user: "nobody", group: "nogroup"))
        #expect(
            global.startupScript == NotifyCommand(command: "/bin/echo firewall up", runAs: .init(user: "root")))
        #expect(global.dynamicInterfaces == .allowInterfaceChanges)
        #expect(global.vrrpMulticastGroup4 == IPAddress("224.0.0.19"))
        #expect(global.vrrpVersion == 3)
        #expect(global.vrrpStrict)
        #expect(global.vrrpSkipCheckAdvertAddress == true)
        #expect(global.vrrpMinGARP == false)
        #expect(global.vrrpGARPInterval == 0.001)
        #expect(global.vrrpGNAInterval == 0.000001)
        #expect(global.vrrpIPTables == ["keepalived_in", "keepalived_out"])
        #expect(
            global.notifyFIFO == .init(path: "/run/keepalived/notify.fifo", owner: .init(user: "root", group: "root")))
        #expect(global.lvsTimeouts == .init(tcp: 900, tcpFin: 120, udp: 300))
        var daemon = GlobalDefinitions.LVSSyncDaemon(interface: "eth1")
        daemon.instance = "VI_RICH"
        daemon.syncID = 42
        daemon.maximumLength = 1400
        daemon.port = 8848
        daemon.ttl = 2
        daemon.group = IPAddress("224.0.0.81")
        #expect(global.lvsSyncDaemon == daemon)
        #expect(global.maxAutoPriority == 50)
    }

    @Test func keywordsNotTypedAreKeptInOrderWithoutWarnings() throws {
        let text = """
            global_defs {
                vrrp_priority -10
                process_names
                vrrp_cpu_affinity 0 1
                umask IWGRP|IWOTH
                router_id A
            }
            """
        let loaded = try VRRPModelText.load(text)
        #expect(loaded.warnings.isEmpty, "\(loaded.warnings)")
        let raw = loaded.configuration.globalDefinitions.otherOptions
        #expect(raw.map(\.keyword) == ["vrrp_priority", "process_names", "vrrp_cpu_affinity", "umask"])
        #expect(raw[2].arguments == ["0", "1"])
        let printed = loaded.configuration.rendered
        #expect(printed.contains("    vrrp_cpu_affinity 0 1\n"))
        #expect(printed.contains("    umask IWGRP|IWOTH\n"))
    }

    @Test func unknownKeywordWarnsAtItsLocation() throws {
        let loaded = try VRRPModelText.load("global_defs {\n    router_id A\n    lvs_id B\n}")
        #expect(
            loaded.warnings.map(\.description) == [
                "test.conf:3:5: warning: unknown keyword 'lvs_id' in global_defs, ignored"
            ])
        #expect(loaded.configuration.globalDefinitions.routerID == "A")
    }

    @Test func bareMaxAutoPriorityMeansTheMaximum() throws {
        let global = try VRRPModelText.model("global_defs {\n    max_auto_priority\n}").globalDefinitions
        #expect(global.maxAutoPriority == 99)
    }

    @Test func emptyGlobalDefsPrintsNothing() throws {
        let configuration = try VRRPModelText.model("global_defs {\n}")
        #expect(configuration.globalDefinitions.isEmpty)
        #expect(configuration.rendered.isEmpty)
    }

    @Test func unknownTopLevelSectionsKeptWhenKeepalivedKnowsThem() throws {
        let text = """
            garp_group {
                garp_interval 0.1
                interfaces {
                    eth0
                    eth1
                }
            }
            """
        let loaded = try VRRPModelText.load(text)
        #expect(loaded.warnings.isEmpty)
        let section = try #require(loaded.configuration.otherSections.first)
        #expect(section.keyword == "garp_group")
        #expect(section.block?.count == 2)
    }
}
