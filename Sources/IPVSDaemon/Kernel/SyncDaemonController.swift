import DBus
import DaemonKit
import IPVS
import KeepalivedConfig
import Logging

/// Runs the kernel's sync daemon for `lvs_sync_daemon`, following vrrpd's Instance object of
/// the instance it names (`org.keepalive.Vrrp1`, property `State`). While vrrpd is away the
/// daemon keeps running as it is.
public actor SyncDaemonController {
    public static let busName = "org.keepalive.Vrrp1"
    public static let interface = "org.keepalive.Vrrp1.Instance"

    private let ipvs: IPVS
    private let logger: Logger
    private var configuration: KeepalivedConfiguration
    private var instanceState: String?
    private let published: @Sendable (String) async -> Void
    /// Whether a sync daemon running now is ours to stop: only when a configuration asked for
    /// one. Without lvs_sync_daemon, one started by hand (`ipvsadm --start-daemon`) is left alone.
    private var managed = false

    public init(
        ipvs: IPVS, configuration: KeepalivedConfiguration, logger: Logger,
        published: @escaping @Sendable (String) async -> Void
    ) {
        self.ipvs = ipvs
        self.configuration = configuration
        self.logger = logger
        self.published = published
    }

    public func reload(_ configuration: KeepalivedConfiguration) async {
        // A reload that drops lvs_sync_daemon stops the daemon the earlier file asked for.
        managed = managed || self.configuration.globalDefinitions.lvsSyncDaemon != nil
        self.configuration = configuration
        await apply()
    }

    /// Brings the kernel's sync daemons to what the configuration and the instance state want.
    public func apply() async {
        let settings = configuration.globalDefinitions.lvsSyncDaemon
        let wanted = settings.map {
            SyncDaemonPlan.wanted($0, configuration: configuration, instanceState: instanceState)
        }
        guard wanted != nil || managed else {
            await published("")
            return
        }
        managed = wanted != nil
        do {
            let running = try ipvs.syncDaemons()
            let (stop, start) = SyncDaemonPlan.changes(running: running, wanted: wanted)
            for role in stop {
                logger.info("Stopping IPVS sync daemon (\(role))")
                try ipvs.stopSyncDaemon(role)
            }
            if let start {
                logger.info(
                    "Starting IPVS sync daemon (\(start.role)) on \(start.interface), syncid \(start.syncID)")
                try ipvs.startSyncDaemon(start)
            }
        } catch {
            logger.error("lvs_sync_daemon: \(error)")
        }
        await published(wanted.map { $0.role == .master ? "MASTER" : "BACKUP" } ?? "")
    }

    /// Follows vrrpd until cancelled.
    public func run(bus: BusPresence) async throws {
        await apply()
        let root = try ObjectPath("/org/keepalive/Vrrp1")
        let follower = ObjectFollower(
            busName: Self.busName, root: root, namespace: try ObjectPath(root.rawValue + "/instance"),
            interface: Self.interface, logger: logger)
        await follower.run(bus: bus) { event in await self.handle(event) }
    }

    private func handle(_ event: FollowedEvent) async {
        guard let name = configuration.globalDefinitions.lvsSyncDaemon?.instance else { return }
        var state: String?
        switch event {
        case .snapshot(let objects):
            state = objects.first { $0.key.lastLabelUnescaped == name }?.value["State"]?.stringValue
        case .changed(let path, let properties) where path.lastLabelUnescaped == name:
            state = properties["State"]?.stringValue
        case .vanished:
            logger.warning("\(Self.busName) is not on the bus: the IPVS sync daemon keeps running as it is")
        default:
            break
        }
        guard let state, state != instanceState else { return }
        instanceState = state
        await apply()
    }
}
