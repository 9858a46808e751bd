import DBus
import DaemonKit
import KeepalivedConfig
import Logging
import VRRP

/// A `vrrp_sync_group` at run time: owns the members' machines (as `VRRPSyncGroup`), takes
/// every member's events, and hands each member its actions and its machine as the group
/// left it. Events of all members pass through this one actor, so the group sees them in order.
actor SyncGroupCoordinator {
    nonisolated let name: String
    nonisolated let memberNames: [String]
    private var group: VRRPSyncGroup
    private var runners: [String: InstanceRunner] = [:]
    private let notify: NotifyScripts
    private let notifier: NotifyRunner
    private let logger: Logger
    private let clock = ContinuousClock()
    private let origin: ContinuousClock.Instant
    private var object: PublishedObject?
    private var lastTransition: UInt64 = 0
    /// `smtp_alert` of the group: mail on each group state, once per state.
    private var mailer: TransitionMailer?
    private var lastMailed: VRRPInstanceState?
    private var lastDelivery: Task<Void, Never>?

    init(
        name: String, members: [(runner: InstanceRunner, machine: VRRPStateMachine)], notify: NotifyScripts,
        origin: ContinuousClock.Instant, fifos: NotifyFIFOs?, logger: Logger
    ) throws {
        self.name = name
        memberNames = members.map(\.runner.name)
        group = try VRRPSyncGroup(name: name, members: members.map(\.machine))
        for member in members { runners[member.runner.name] = member.runner }
        self.notify = notify
        notifier = NotifyRunner(logger: logger, fifos: fifos)
        self.origin = origin
        self.logger = logger
    }

    var state: VRRPInstanceState { group.state }

    private var now: VRRPInstant { VRRPInstant(sinceOrigin: clock.now - origin) }

    /// Mails the group's transitions from now on (nil: none).
    func use(mailer: TransitionMailer?) {
        self.mailer = mailer
    }

    func attach(_ object: PublishedObject) {
        self.object = object
        publish()
    }

    /// Starts every member together (the runners are already receiving).
    func start() async {
        await dispatch(group.start(now: now))
    }

    /// One member's event, then whatever it means for the others.
    func handle(_ event: VRRPEvent, from member: String, now: VRRPInstant) async throws(VRRPStateMachineError) {
        let actions = try group.handle(event, for: member, now: now)
        await dispatch(actions)
    }

    /// Stops every member: MASTERs send priority 0 and remove their addresses.
    func shutdown() async {
        await dispatch(group.shutdown(now: now))
        await notifier.finish()
        await lastDelivery?.finish(within: .seconds(2))
    }

    /// Gives each member its actions in order, with its machine; group actions are done here.
    private func dispatch(_ actions: [VRRPSyncGroup.Action]) async {
        var perMember: [String: [VRRPAction]] = [:]
        for action in actions {
            switch action {
            case .instance(let member, let action):
                perMember[member, default: []].append(action)
            case .log(let line):
                logger.info("\(line)")
            case .notifyGroup(let state):
                notifier.transition(to: state, kind: "GROUP", name: name, priority: 0, scripts: notify)
            case .groupStateChanged(let old, let new):
                if let mailer, let delivery = mailer.group(name, entered: new, lastMailed: lastMailed) {
                    lastMailed = new
                    lastDelivery = delivery
                }
                lastTransition = WallClock.microsecondsSinceEpoch()
                publish()
                do {
                    try object?.emit(
                        SyncGroupObject.interface, "StateChanged",
                        [.string(old.rawValue), .string(new.rawValue), .string("sync group")])
                } catch {
                    logger.warning("VRRP_Group(\(name)) cannot emit StateChanged: \(error)")
                }
            }
        }
        // Every member hears back, with or without actions: the group may have moved its machine.
        for member in memberNames {
            guard let runner = runners[member], let machine = group.member(member) else { continue }
            await runner.apply(perMember[member] ?? [], machine: machine)
        }
    }

    private func publish() {
        do {
            try object?.update(
                SyncGroupObject.interface,
                ["State": .string(group.state.rawValue), "LastTransition": .uint64(lastTransition)])
        } catch {
            logger.warning("VRRP_Group(\(name)) cannot update D-Bus properties: \(error)")
        }
    }
}

/// The D-Bus face of a sync group: `/org/keepalive/Vrrp1/group/<escaped name>`.
enum SyncGroupObject {
    static let interface = "org.keepalive.Vrrp1.SyncGroup"

    static func make(name: String, members: [String], root: ObjectPath, xml: String) throws -> DBusObject {
        let path = try ObjectPath(root.rawValue + "/group").appending(escaping: name)
        var object = try DBusObject(path: path, introspectionXML: xml)
        try object.setProperty(interface, "Name", .string(name))
        try object.setProperty(interface, "Members", .array(element: .string, members.map { .string($0) }))
        try object.setProperty(interface, "State", .string(VRRPInstanceState.initialize.rawValue))
        try object.setProperty(interface, "LastTransition", .uint64(0))
        return object
    }
}
