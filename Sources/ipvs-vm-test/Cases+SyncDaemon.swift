import IPVS
import Netlink

/// `lvs_sync_daemon` through the IPVS module: start, read back (also with `ipvsadm -L --daemon`),
/// switch from backup to master as ipvsd does when its VRRP instance becomes MASTER, stop.
extension Cases {
    var syncDaemonCases: [(String, () throws -> Void)] {
        [("sync-daemon-backup-to-master", syncDaemonSwitch)]
    }

    func syncDaemonSwitch() throws {
        // A multicast-capable link of its own: the master's sender hung on lo in this VM.
        _ = try run("ip link add sync0 type bridge && ip addr add 192.0.2.7/24 dev sync0 && ip link set sync0 up")
        defer { _ = try? run("ip link del sync0") }
        let backup = IPVSSyncDaemon(role: .backup, interface: "sync0", syncID: 7)
        try ipvs.startSyncDaemon(backup)
        var running = try ipvs.syncDaemons()
        try expect(running.map(\.role) == [.backup], "running \(running)")
        try expect(running.first?.interface == "sync0" && running.first?.syncID == 7, "read back \(running)")
        let shown = try run("ipvsadm -L --daemon")
        try expect(shown.contains("backup sync daemon (mcast=sync0, syncid=7"), "ipvsadm: \(shown)")

        try ipvs.stopSyncDaemon(.backup)
        let master = IPVSSyncDaemon(role: .master, interface: "sync0", syncID: 7, port: 9000, ttl: 2)
        try ipvs.startSyncDaemon(master)
        running = try ipvs.syncDaemons()
        try expect(running.map(\.role) == [.master], "running \(running)")
        try expect(running.first?.port == 9000 && running.first?.ttl == 2, "read back \(running)")

        try ipvs.stopSyncDaemon(.master)
        try expect(try ipvs.syncDaemons().isEmpty, "a sync daemon is still running")
        do {
            try ipvs.stopSyncDaemon(.master)
            try expect(false, "stopping a stopped daemon should fail")
        } catch let error as IPVSError {
            guard case .kernel = error else { throw error }
        }
    }
}
