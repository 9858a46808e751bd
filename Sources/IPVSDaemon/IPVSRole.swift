import DBus
import DaemonKit
import IPVS
import KeepalivedConfig
import Logging

/// ipvsd: `virtual_server` blocks applied to the kernel's IPVS table, following checkd's real
/// server reports. It refuses to start on a kernel without IPVS rather than pretend.
///
/// For the test VM: run `ipvsd -f <conf> --bus-address <address of a dbus-daemon in the VM>
/// --interfaces-directory <repo>/dbus` as root; nothing needs systemd (READY/WATCHDOG are
/// no-ops without NOTIFY_SOCKET). Then watch `/org/keepalive/Ipvs1` (`GetTable()`, `Sync()`,
/// signal `TableChanged(u, as)`, properties `LastSync`, `SyncDaemon`, `CheckdPresent`) and
/// `/org/keepalive/Ipvs1/service/<escaped VS name>` (`org.keepalive.Ipvs1.Service`); publish
/// checkd's RealServer objects (`org.keepalive.Check1`) to move real servers, or vrrpd's
/// Instance `State` to move `lvs_sync_daemon`. The log lines are keepalived's. Stopping ipvsd
/// (SIGTERM) or killing it leaves the kernel table and the sync daemon as they are; the next
/// ipvsd adopts them, and removes what /run/keepalive/ipvsd.services says an earlier
/// configuration declared and this one dropped.
public struct IPVSRole: DaemonRole {
    public static let busName = "org.keepalive.Ipvs1"
    public static let manageAction = "org.keepalive.ipvs.manage"
    /// How often the kernel table is re-read to repair hand changes.
    public static let repairInterval: Duration = .seconds(5)

    let parts = Parts()

    public init() {}

    public func start(configuration: KeepalivedConfiguration, context: DaemonContext) async throws {
        let ipvs: IPVS
        do {
            ipvs = try IPVS()
        } catch .unavailable {
            throw IPVSUnavailable()
        }
        let info = try ipvs.info()
        context.logger.info(
            "IPVS \(info.version) (connection table \(info.connectionTableSize)); configuration has \(configuration.virtualServers.count) virtual_server"
        )
        applyTimeouts(configuration, ipvs: ipvs, logger: context.logger)
        let root = try Self.rootPath()
        let publisher = ServicePublisher(
            bus: context.bus, root: root, xml: try context.interfaceXML(named: ServiceProperties.interface))
        let reconciler = Reconciler(ipvs: ipvs, configuration: configuration, logger: context.logger)
        await reconciler.observe { outcome in
            do { try await publisher.publish(outcome) } catch {
                context.logger.warning("Cannot publish the IPVS services on the bus: \(error)")
            }
        }
        // Adopts what the kernel has; fails the start only when the table cannot be read.
        try await reconciler.sync(reason: "start")
        let syncDaemon = SyncDaemonController(ipvs: ipvs, configuration: configuration, logger: context.logger) {
            state in try? await publisher.setRoot("SyncDaemon", .string(state))
        }
        await parts.set(ipvs: ipvs, reconciler: reconciler, syncDaemon: syncDaemon, publisher: publisher)
    }

    public func apply(_ reload: ConfigurationStore.Reload, context: DaemonContext) async throws {
        guard let (ipvs, reconciler, syncDaemon, _) = await parts.all else { return }
        applyTimeouts(reload.current, ipvs: ipvs, logger: context.logger)
        await reconciler.reload(reload.current)
        await syncDaemon.reload(reload.current)
    }

    public func run(context: DaemonContext) async throws {
        guard let (_, reconciler, syncDaemon, publisher) = await parts.all else { return }
        let checkd = CheckdFollower(
            logger: context.logger,
            deliver: { id, report in
                if let report { await reconciler.report(id, report) } else { await reconciler.forget(id) }
            },
            presenceChanged: { present in try? await publisher.setRoot("CheckdPresent", .boolean(present)) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await reconciler.repairPeriodically(every: Self.repairInterval) }
            group.addTask { try await checkd.run(bus: context.bus) }
            group.addTask { try await syncDaemon.run(bus: context.bus) }
            try await group.waitForAll()
        }
    }

    public func stop(context: DaemonContext) async {
        // The table and the sync daemon stay: stopping ipvsd never touches the data path.
        await parts.reconciler?.shutdown()
    }

    public func rootMethods(context: DaemonContext) -> [String: DBusMethodHandler] {
        let parts = parts
        return [
            "GetTable": { _ in
                guard let reconciler = await parts.reconciler else { throw DBusError.failed("ipvsd is starting") }
                do {
                    let (table, owned) = try await reconciler.table()
                    return [TableEncoding.encode(table, owned: owned)]
                } catch {
                    throw DBusError.failed("cannot read the IPVS table: \(error)")
                }
            },
            "Sync": { call in
                guard let connection = await context.bus.currentConnection else {
                    throw DBusError.failed("not connected")
                }
                try await PolkitAuthority(connection: connection).authorize(call.caller, action: Self.manageAction)
                guard let reconciler = await parts.reconciler else { throw DBusError.failed("ipvsd is starting") }
                do {
                    let outcome = try await reconciler.sync(reason: "Sync() from \(call.caller.sender)")
                    let summary = outcome.applied + outcome.failures.map(\.description)
                    return [
                        .uint32(UInt32(outcome.applied.count)), .array(element: .string, summary.map { .string($0) }),
                    ]
                } catch {
                    throw DBusError.failed("cannot read the IPVS table: \(error)")
                }
            },
        ]
    }

    /// `lvs_timeouts`; an unset field keeps the kernel's value.
    private func applyTimeouts(_ configuration: KeepalivedConfiguration, ipvs: IPVS, logger: Logger) {
        guard let timeouts = configuration.globalDefinitions.lvsTimeouts else { return }
        let wanted = IPVSTimeouts(
            tcp: UInt32(clamping: timeouts.tcp ?? 0), tcpFin: UInt32(clamping: timeouts.tcpFin ?? 0),
            udp: UInt32(clamping: timeouts.udp ?? 0))
        do {
            try ipvs.setTimeouts(wanted)
            logger.info("lvs_timeouts: tcp \(wanted.tcp) tcpfin \(wanted.tcpFin) udp \(wanted.udp) (0 = unchanged)")
        } catch {
            logger.error("lvs_timeouts: \(error)")
        }
    }

    /// What `start` built, for the methods and tasks that come after it.
    actor Parts {
        var ipvs: IPVS?
        var reconciler: Reconciler?
        var syncDaemon: SyncDaemonController?
        var publisher: ServicePublisher?

        func set(ipvs: IPVS, reconciler: Reconciler, syncDaemon: SyncDaemonController, publisher: ServicePublisher) {
            self.ipvs = ipvs
            self.reconciler = reconciler
            self.syncDaemon = syncDaemon
            self.publisher = publisher
        }

        var all: (IPVS, Reconciler, SyncDaemonController, ServicePublisher)? {
            guard let ipvs, let reconciler, let syncDaemon, let publisher else { return nil }
            return (ipvs, reconciler, syncDaemon, publisher)
        }
    }
}

/// The kernel has no IPVS: ipvsd exits non-zero with this rather than run with nothing to do.
public struct IPVSUnavailable: Error, CustomStringConvertible {
    public var description: String {
        "the kernel has no IPVS (generic netlink family IPVS not found): load it with 'modprobe ip_vs'"
    }
}
