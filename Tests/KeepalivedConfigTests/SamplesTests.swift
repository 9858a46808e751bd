import Foundation
import Testing

@testable import KeepalivedConfig

/// keepalived's own sample configurations load as keepalived loads them.
@Suite struct SamplesTests {
    @Test func everySampleLoadsWithoutError() throws {
        let files = try VRRPModelText.sampleFiles()
        #expect(files.count >= 20, "expected keepalived's samples in \(VRRPModelText.samplesDirectory)")
        for file in files {
            do {
                _ = try VRRPModelText.loadFile(file)
            } catch {
                Issue.record("\(file) refused:\n\(error.description)")
            }
        }
    }

    @Test func vrrpSampleHasItsInstancesAndGlobals() throws {
        let configuration = try VRRPModelText.sample("keepalived.conf.vrrp").configuration
        let global = configuration.globalDefinitions
        #expect(global.routerID == "LVS_DEVEL")
        #expect(global.notificationEmails == ["acassen"])
        #expect(global.notificationEmailFrom == "Alexandre.Cassen@firewall.loc")
        #expect(global.smtpServer == .init(host: "192.168.200.1"))
        #expect(global.smtpConnectTimeout == 30)

        let instances = configuration.instances
        #expect(instances.map(\.name) == ["VI_1", "VI_2", "VI_3", "VI_4"])
        #expect(instances.map(\.virtualRouterID) == [51, 50, 52, 53])
        #expect(instances.map(\.priority) == [100, 50, 100, 50])
        #expect(instances.map(\.interface) == ["eth0", "eth0", "eth1", "eth1"])
        #expect(instances.map(\.initialState) == [.master, nil, .master, nil])

        let first = try #require(instances.first)
        #expect(first.garpMasterDelay == 10)
        #expect(first.smtpAlert == true)
        #expect(first.version == 2)
        #expect(first.advertInterval == 1)
        #expect(first.authentication == .init(type: .pass, password: "1111"))
        #expect(
            first.virtualAddresses.map(\.address.description) == [
                "192.168.200.16", "192.168.200.17", "192.168.200.18", "192.168.200.18",
            ])
        #expect(first.virtualAddresses.map(\.address.length) == [32, 32, 32, 32])
        #expect(first.virtualAddresses.last?.label == "eth0:1")
    }

    @Test func scriptsSampleHasSyncGroupNotifyCommandLines() throws {
        let configuration = try VRRPModelText.sample("keepalived.conf.vrrp.scripts").configuration
        let group = try #require(configuration.syncGroups.first)
        #expect(group.name == "G1")
        #expect(group.members == ["VI_2", "VI_3"])
        #expect(group.notify.master == NotifyCommand(command: "/usr/local/bin/vrrp.mast arg1 arg2"))
        #expect(group.notify.fault?.command == "/usr/local/bin/vrrp.fault arg1 arg2")
        let first = try #require(configuration.instances.first)
        #expect(first.notify.backup?.command == "/usr/local/bin/vrrp.sh  BACKUP   VI_1")
        #expect(configuration.instances.last?.virtualAddresses.first?.address == IPPrefix("192.168.200.101/27"))
    }

    @Test func routesSampleHasStaticAndVirtualRoutes() throws {
        let configuration = try VRRPModelText.sample("keepalived.conf.vrrp.routes").configuration
        let first = try #require(configuration.staticRoutes.first)
        #expect(first.source == IPAddress("192.168.100.1"))
        #expect(first.destination == IPPrefix("192.168.209.0/24"))
        #expect(first.gateway == IPAddress("192.168.200.254"))
        #expect(first.device == "eth0")
        #expect(configuration.staticRoutes.last?.scope == "link")

        let routes = try #require(configuration.instances.first).virtualRoutes
        #expect(routes.count == 7)
        let blackhole = try #require(routes.first { $0.type == .blackhole })
        #expect(blackhole.destination == IPPrefix("192.168.113.1/32"))
        let twoGateways = try #require(routes.first { $0.alternateGateway != nil })
        #expect(twoGateways.gateway == IPAddress("192.168.100.252"))
        #expect(twoGateways.alternateGateway == IPAddress("192.168.100.253"))
        let defaultRoute = try #require(routes.last)
        #expect(defaultRoute.destination == IPPrefix("0.0.0.0/0"))
        #expect(defaultRoute.table == "100")
    }

    /// keepalived skips the rule `to 192.168.100./24` of this sample with a message; so do we.
    @Test func rulesSampleSkipsItsMalformedRule() throws {
        let loaded = try VRRPModelText.sample("keepalived.conf.vrrp.rules")
        #expect(loaded.configuration.staticRules.count == 1)
        #expect(loaded.configuration.staticRules.first?.from == IPPrefix("192.168.100.0/24"))
        #expect(loaded.configuration.staticRules.first?.table == "1")
        #expect(loaded.configuration.instances.first?.virtualRules.count == 1)
        #expect(loaded.warnings.contains { $0.message.contains("192.168.100./24") && $0.location.line == 11 })
    }

    @Test func syncSampleMembersExist() throws {
        let configuration = try VRRPModelText.sample("keepalived.conf.vrrp.sync").configuration
        let names = Set(configuration.instances.map(\.name))
        #expect(!configuration.syncGroups.isEmpty)
        for group in configuration.syncGroups {
            #expect(!group.members.isEmpty)
            #expect(group.members.allSatisfy(names.contains))
        }
    }

    @Test func staticAddressSampleHasScopes() throws {
        let configuration = try VRRPModelText.sample("keepalived.conf.vrrp.static_ipaddress").configuration
        #expect(configuration.staticAddresses.map(\.device) == ["eth0", "eth1", "eth2"])
        #expect(configuration.staticAddresses.map(\.scope) == ["link", "link", nil])
    }

    @Test func localcheckSampleHasScriptsAndWeightedTracking() throws {
        let configuration = try VRRPModelText.sample("keepalived.conf.vrrp.localcheck").configuration
        let sshd = try #require(configuration.scripts.first { $0.name == "chk_sshd" })
        #expect(sshd.script == "killall -0 sshd")
        #expect(sshd.interval == 2)
        #expect(sshd.weight == -4)
        #expect(sshd.fall == 2)
        #expect(sshd.rise == 2)
        #expect(configuration.scripts.first { $0.name == "chk_http_port" }?.script == "</dev/tcp/127.0.0.1/80")
        let instance = try #require(configuration.instances.first { $0.name == "VI_1" })
        #expect(
            instance.trackInterfaces == [
                TrackedItem(name: "eth1", weight: 2), TrackedItem(name: "eth2", weight: -2), TrackedItem(name: "eth3"),
            ])
        #expect(
            instance.trackScripts.map(\.name) == [
                "chk_sshd", "chk_haproxy", "chk_http_port", "chk_https_port", "chk_smtp_port",
            ])
        #expect(instance.trackScripts[1].weight == 2)
    }
}
