import IPVS
import Netlink

/// `lvs_sync_daemon` through the IPVS module: start, read back (also with `ipvsadm -L --daemon`),
/// switch from backup to master as ipvsd does when its VRRP instance becomes MASTER, stop.
extension Cases {
    var syncDaemonCases: [(String, () throws -> Void)] {
        [
            ("sync-daemon-backup-to-master", syncDaemonSwitch),
            ("sync-daemon-stop-right-after-start", syncDaemonQuickStop),
        ]
    }

    func syncDaemonSwitch() throws {
        let backup = IPVSSyncDaemon(role: .backup, interface: "lo", syncID: 7)
        try ipvs.startSyncDaemon(backup)
        var running = try ipvs.syncDaemons()
        try expect(running.map(\.role) == [.backup], "running \(running)")
        try expect(running.first?.interface == "lo" && running.first?.syncID == 7, "read back \(running)")
        var shown = try run("ipvsadm -L --daemon")
        try expect(shown.contains("backup sync daemon (mcast=lo, syncid=7"), "ipvsadm: \(shown)")

        try ipvs.stopSyncDaemon(.backup)
        let master = IPVSSyncDaemon(role: .master, interface: "lo", syncID: 7, port: 9000, ttl: 2)
        try ipvs.startSyncDaemon(master)
        running = try ipvs.syncDaemons()
        try expect(running.map(\.role) == [.master], "running \(running)")
        try expect(running.first?.port == 9000 && running.first?.ttl == 2, "read back \(running)")
        shown = try run("ipvsadm -L --daemon")
        try expect(shown.contains("port=9000, ttl=2"), "ipvsadm: \(shown)")

        try ipvs.stopSyncDaemon(.master)
        try expect(try ipvs.syncDaemons().isEmpty, "a sync daemon is still running")
        do {
            try ipvs.stopSyncDaemon(.master)
            try expect(false, "stopping a stopped daemon should fail")
        } catch let error as IPVSError {
            guard case .kernel = error else { throw error }
        }
    }

    /// A stop that catches the kernel thread before it first ran: the kernel answers EINTR,
    /// which netlink does not acknowledge; the stop must still return, and the table's socket
    /// must still work afterwards.
    func syncDaemonQuickStop() throws {
        for role in [IPVSSyncDaemon.Role.master, .backup, .master] {
            try ipvs.startSyncDaemon(IPVSSyncDaemon(role: role, interface: "lo", syncID: 9))
            try ipvs.stopSyncDaemon(role)
            let running = try ipvs.syncDaemons()
            try expect(running.isEmpty, "\(role) still running: \(running)")
        }
        _ = try ipvs.info()
    }
}
