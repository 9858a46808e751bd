import DBus
import DaemonKit
import Logging
import VRRP

/// Follows checkd's Script objects (`org.keepalive.Check1`, `/org/keepalive/Check1/script/<name>`,
/// property `Status`) for `track_script`. While checkd is gone each script keeps its last status
/// for its grace period (3 × its interval, at least 5 s), then counts as FAILED.
actor ScriptTracker {
    static let busName = "org.keepalive.Check1"
    static let scriptInterface = "org.keepalive.Check1.Script"

    private let registry: InstanceRegistry
    private let logger: Logger
    private var graceTasks: [String: Task<Void, Never>] = [:]

    init(registry: InstanceRegistry, logger: Logger) {
        self.registry = registry
        self.logger = logger
    }

    /// Follows checkd on whichever connection the daemon has, until cancelled.
    func run(bus: BusPresence) async {
        // Both paths are constants that parse; the catch only satisfies the throwing initializer.
        guard let root = try? ObjectPath("/org/keepalive/Check1"),
            let scripts = try? ObjectPath("/org/keepalive/Check1/script")
        else { return }
        let follower = ObjectFollower(
            busName: Self.busName, root: root, namespace: scripts, interface: Self.scriptInterface, logger: logger)
        await follower.run(bus: bus) { event in await self.handle(event) }
    }

    private func handle(_ event: FollowedEvent) async {
        switch event {
        case .snapshot(let objects):
            // checkd is there: its scripts' statuses replace whatever grace was running.
            for task in graceTasks.values { task.cancel() }
            graceTasks = [:]
            for (path, properties) in objects { await update(path, properties) }
        case .changed(let path, let properties):
            await update(path, properties)
        case .removed:
            // A script dropped from checkd's config is no longer tracked by it; vrrpd's own
            // config decides on reload whether the instance still tracks it.
            break
        case .vanished:
            await vanished()
        }
    }

    /// checkd is gone: each tracked script's last status holds for its grace, then FAILED.
    private func vanished() async {
        for (name, grace) in await registry.trackedScripts() where graceTasks[name] == nil {
            let (registry, logger) = (registry, logger)
            graceTasks[name] = Task {
                do { try await Task.sleep(for: grace) } catch { return }
                logger.warning(
                    "VRRP_Script(\(name)) has no status from \(Self.busName) for \(grace): counting it as failed")
                await registry.scriptChanged(name, status: .failed)
            }
        }
    }

    private func update(_ path: ObjectPath, _ properties: [String: DBusValue]) async {
        guard let name = path.lastLabelUnescaped, let text = properties["Status"]?.stringValue else { return }
        let status: VRRPTrackedObject.Status =
            switch text {
            case "OK": .ok
            case "FAILED": .failed
            default: .unknown
            }
        await registry.scriptChanged(name, status: status)
    }
}
