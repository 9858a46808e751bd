import DBus
import DaemonKit
import Logging

/// Follows checkd's RealServer objects (`/org/keepalive/Check1/realserver/<vs>/<rs>`) and hands
/// `Healthy`, `Weight` and `AdminState` on (to the reconciler; nil when the object went away).
/// When checkd leaves nothing is handed on: the last reports stay and the table is kept as it
/// is (the bus is not the data path) until checkd is back.
public actor CheckdFollower {
    public static let busName = "org.keepalive.Check1"
    public static let interface = "org.keepalive.Check1.RealServer"

    public typealias Deliver = @Sendable (RealServerID, RealServerReport?) async -> Void

    private let deliver: Deliver
    private let logger: Logger
    private var known: [ObjectPath: (RealServerID, RealServerReport)] = [:]
    private var presenceChanged: @Sendable (Bool) async -> Void

    public init(
        logger: Logger, deliver: @escaping Deliver, presenceChanged: @escaping @Sendable (Bool) async -> Void
    ) {
        self.deliver = deliver
        self.logger = logger
        self.presenceChanged = presenceChanged
    }

    public func run(bus: BusPresence) async throws {
        let root = try ObjectPath("/org/keepalive/Check1")
        let follower = ObjectFollower(
            busName: Self.busName, root: root, namespace: try ObjectPath(root.rawValue + "/realserver"),
            interface: Self.interface, logger: logger)
        await follower.run(bus: bus) { event in await self.handle(event) }
    }

    func handle(_ event: FollowedEvent) async {
        switch event {
        case .snapshot(let objects):
            logger.info("\(Self.busName) is on the bus with \(objects.count) real server(s)")
            await presenceChanged(true)
            for (path, properties) in objects { await update(path, properties) }
            for path in known.keys where objects[path] == nil { await remove(path) }
        case .changed(let path, let properties):
            await update(path, properties)
        case .removed(let path):
            await remove(path)
        case .vanished:
            logger.warning("\(Self.busName) is not on the bus: keeping the IPVS table as it is until it returns")
            await presenceChanged(false)
        }
    }

    private func update(_ path: ObjectPath, _ properties: [String: DBusValue]) async {
        guard let id = Self.realServerID(path) else { return }
        var report = known[path]?.1 ?? RealServerReport(healthy: false, weight: 1)
        let fresh = known[path] == nil
        if let healthy = properties["Healthy"]?.boolValue { report.healthy = healthy }
        if let weight = properties["Weight"]?.int32Value { report.weight = Int(weight) }
        if let text = properties["AdminState"]?.stringValue, let admin = RealServerReport.AdminState(rawValue: text) {
            report.adminState = admin
        }
        // A first sight without Healthy says nothing yet: wait for the whole picture.
        if fresh, properties["Healthy"] == nil { return }
        known[path] = (id, report)
        await deliver(id, report)
    }

    private func remove(_ path: ObjectPath) async {
        guard let (id, _) = known.removeValue(forKey: path) else { return }
        await deliver(id, nil)
    }

    /// The two labels after `realserver/`: the virtual server's and the real server's names.
    static func realServerID(_ path: ObjectPath) -> RealServerID? {
        let labels = path.rawValue.split(separator: "/").map(String.init)
        guard labels.count >= 3, let rs = ObjectPath.unescapeLabel(labels[labels.count - 1]),
            let vs = ObjectPath.unescapeLabel(labels[labels.count - 2]), labels[labels.count - 3] == "realserver"
        else { return nil }
        return RealServerID(virtualServer: vs, realServer: rs)
    }
}
