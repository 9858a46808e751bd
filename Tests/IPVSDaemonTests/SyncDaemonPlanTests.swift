import IPVS
import KeepalivedConfig
import Testing

@testable import IPVSDaemon

@Suite struct SyncDaemonPlanTests {
    let text = """
        global_defs {
            lvs_sync_daemon eth1 VI_1 id 7 port 9000 ttl 3
        }
        vrrp_instance VI_1 {
            interface eth1
            virtual_router_id 51
            priority 100
            virtual_ipaddress { 10.0.0.1 }
        }
        """

    @Test func followsTheInstanceState() throws {
        let config = try configuration(text)
        let settings = try #require(config.globalDefinitions.lvsSyncDaemon)
        let master = SyncDaemonPlan.wanted(settings, configuration: config, instanceState: "MASTER")
        #expect(master == IPVSSyncDaemon(role: .master, interface: "eth1", syncID: 7, port: 9000, ttl: 3))
        for state in ["BACKUP", "FAULT", "INIT", nil] {
            #expect(SyncDaemonPlan.wanted(settings, configuration: config, instanceState: state).role == .backup)
        }
    }

    @Test func theSyncIDDefaultsToTheVRID() throws {
        let config = try configuration(text.replacingOccurrences(of: " id 7", with: ""))
        let settings = try #require(config.globalDefinitions.lvsSyncDaemon)
        #expect(SyncDaemonPlan.wanted(settings, configuration: config, instanceState: nil).syncID == 51)
    }

    @Test func switchingRolesStopsTheOtherAndLeavesTheRightOne() {
        let backup = IPVSSyncDaemon(role: .backup, interface: "eth1", syncID: 7)
        let master = IPVSSyncDaemon(role: .master, interface: "eth1", syncID: 7)
        let toMaster = SyncDaemonPlan.changes(running: [backup], wanted: master)
        #expect(toMaster.stop == [.backup])
        #expect(toMaster.start == master)
        // The kernel reports its defaults (port, ttl, maxlen): still the same daemon.
        var reported = master
        reported.port = 8848
        reported.ttl = 1
        reported.maximumLength = 1472
        let same = SyncDaemonPlan.changes(running: [reported], wanted: master)
        #expect(same.stop.isEmpty && same.start == nil)
        let otherInterface = SyncDaemonPlan.changes(
            running: [reported], wanted: IPVSSyncDaemon(role: .master, interface: "eth2", syncID: 7))
        #expect(otherInterface.stop == [.master] && otherInterface.start?.interface == "eth2")
        let removed = SyncDaemonPlan.changes(running: [master, backup], wanted: nil)
        #expect(removed.stop == [.master, .backup] && removed.start == nil)
    }
}
