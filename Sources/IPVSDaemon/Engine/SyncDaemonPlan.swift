import IPVS
import KeepalivedConfig

/// `lvs_sync_daemon`: which kernel sync daemon should run, following the VRRP instance it
/// names: MASTER runs the master daemon, any other state the backup daemon (as keepalived's
/// vrrp process switches them on every transition).
public enum SyncDaemonPlan {
    /// The daemon wanted for `instanceState` (nil while vrrpd has not said: backup).
    public static func wanted(
        _ settings: GlobalDefinitions.LVSSyncDaemon, configuration: KeepalivedConfiguration, instanceState: String?
    ) -> IPVSSyncDaemon {
        let vrid = configuration.instances.first { $0.name == settings.instance }?.virtualRouterID
        return IPVSSyncDaemon(
            role: instanceState == "MASTER" ? .master : .backup, interface: settings.interface,
            syncID: UInt8(clamping: settings.syncID ?? vrid ?? 0),
            maximumLength: settings.maximumLength.map { UInt16(clamping: $0) },
            group: settings.group.map(\.kernelAddress), port: settings.port.map { UInt16(clamping: $0) },
            ttl: settings.ttl.map { UInt8(clamping: $0) })
    }

    /// What to stop and start so that exactly `wanted` runs (or nothing when it is nil). A
    /// daemon running with other settings is restarted; the right one is left alone.
    public static func changes(
        running: [IPVSSyncDaemon], wanted: IPVSSyncDaemon?
    ) -> (stop: [IPVSSyncDaemon.Role], start: IPVSSyncDaemon?) {
        var stop: [IPVSSyncDaemon.Role] = []
        var alreadyRunning = false
        for daemon in running {
            if let wanted, daemon.role == wanted.role, matches(daemon, wanted) {
                alreadyRunning = true
            } else {
                stop.append(daemon.role)
            }
        }
        return (stop, alreadyRunning ? nil : wanted)
    }

    /// The kernel reports its defaults for what was not set: compare only what was.
    private static func matches(_ running: IPVSSyncDaemon, _ wanted: IPVSSyncDaemon) -> Bool {
        running.interface == wanted.interface && running.syncID == wanted.syncID
            && (wanted.maximumLength == nil || running.maximumLength == wanted.maximumLength)
            && (wanted.group == nil || running.group == wanted.group)
            && (wanted.port == nil || running.port == wanted.port)
            && (wanted.ttl == nil || running.ttl == wanted.ttl)
    }
}
