import DBus
import DaemonKit
import Logging
import Netlink
import VRRP
import VRRPSockets

/// One running `vrrp_instance`: owns its state machine, socket, timer and virtual addresses.
/// Every input (an advert, the timer, a D-Bus call, shutdown) is a call on this actor, so the
/// machine sees one event at a time, and every action it returns is performed before the next.
public actor InstanceRunner {
    /// The instance's name: a renamed instance is another instance, so this never changes.
    public nonisolated let name: String
    public private(set) var settings: InstanceSettings
    let logger: Logger
    private var machine: VRRPStateMachine
    private let socket: VRRPSocket
    /// `use_vmac`: the macvlan this instance created, deleted (once) when it stops.
    private var vmac: VMACInterface?
    private let arp: GratuitousARPSender
    /// Unsolicited neighbour adverts for IPv6 VIPs.
    private let neighbourAdverts: NeighbourAdvertSender
    /// Paces gratuitous ARPs on the interface (`vrrp_garp_interval`), shared with its siblings.
    private let garpPacer: GratuitousARPPacer
    private var addresses: VirtualAddressTable
    private var routes: VirtualRouteTable
    private var rules: VirtualRuleTable
    private var expectations: ReceiveExpectations
    /// VRIDs of the other instances on the same interface: their adverts are not drops.
    private let siblingVRIDs: Set<UInt8>
    private let clock = ContinuousClock()
    /// Shared by every instance of the daemon, so members of a sync group share one timeline.
    private let origin: ContinuousClock.Instant
    /// The sync group deciding for this instance, if it is a member of one.
    private var group: SyncGroupCoordinator?

    private var receiveTask: Task<Void, Never>?
    private var garpTask: Task<Void, Never>?
    /// `garp_lower_prio_repeat` bursts; cancelled with the addresses like `garpTask`.
    private var lowerPriorityGARPTask: Task<Void, Never>?
    /// `no_accept`: the daemon's nftables drop sets, when any instance needs them.
    private var firewall: AcceptModeFirewall?
    /// `smtp_alert` mail, when global_defs names a server and recipients.
    private var mailer: TransitionMailer?
    /// The state last mailed about: keepalived mails each state once.
    private var lastMailed: VRRPInstanceState?
    private var lastDelivery: Task<Void, Never>?
    /// `promote_secondaries` while running; put back at shutdown.
    private var promotedSecondaries: PromoteSecondaries?
    private var timer = TimerState()
    private var dropLog = LogLimiter()
    private var diagnostics: AdvertDiagnostics
    private let notifier: NotifyRunner
    /// Datagrams waiting for this instance: enough for a second of a 1,000-packet burst while the
    /// host is busy, at most about 1.5 MB of 1,500-byte frames.
    static let receiveQueueLimit = 1024
    private var packetCounters = InstanceCounters()
    /// The packet counters, with the datagrams the socket had to throw away because this
    /// instance fell behind (a flood): dropped, so they are counted like every other drop.
    public var counters: InstanceCounters {
        var counters = packetCounters
        counters.set("receive_queue_overflow", UInt64(socket.droppedDatagrams))
        return counters
    }
    /// `auth_type AH`: the sequence numbers sent and accepted, one counter as keepalived's.
    private var sequence = AHSequenceCounter()

    private var object: PublishedObject?
    private var published: InstanceSnapshot?
    private var lastTransition: UInt64 = 0
    /// Whether this process added the addresses: for the log wording, and for a reload to
    /// swap only the addresses that changed.
    private var holdsAddresses = false

    /// Opens the socket and resolves the addresses in the calling thread's network namespace.
    /// Nothing is sent and no address changes until `start()`; only a `use_vmac` macvlan is
    /// created here, since the socket and the addresses live on it.
    init(
        settings: InstanceSettings, siblingVRIDs: Set<UInt8> = [], origin: ContinuousClock.Instant = .now,
        fifos: NotifyFIFOs? = nil, garpPacer: GratuitousARPPacer = GratuitousARPPacer(),
        firewall: AcceptModeFirewall? = nil, mailer: TransitionMailer? = nil, logger: Logger
    ) throws {
        self.garpPacer = garpPacer
        self.firewall = firewall
        self.mailer = mailer
        self.name = settings.name
        self.settings = settings
        self.siblingVRIDs = siblingVRIDs.subtracting([settings.virtualRouterID])
        self.logger = logger
        let netlink = try RouteNetlink()
        let linkLocalSource = settings.sourceAddress.flatMap { source in
            source.isIPv6LinkLocal ? Netlink.IPAddress(family: .ipv6, bytes: source.bytes) : nil
        }
        let vmac = try settings.vmac.map {
            try VMACInterface.create(
                $0, parent: settings.interface, linkLocal: linkLocalSource, netlink: netlink, logger: logger,
                instance: settings.name)
        }
        let socket: VRRPSocket
        var ownAddresses: [InetAddress] = []
        do {
            if vmac != nil {
                let parent = try NetworkInterface.named(settings.interface)
                ownAddresses = parent.ipv4Addresses + parent.ipv6Addresses
            }
            // An IPv4 VMAC has no address of its own: adverts leave from the parent's primary
            // one. An IPv6 VMAC has the parent's link-local address, which the socket finds.
            socket = try VRRPSocket(
                .init(
                    interface: settings.advertInterface, destination: settings.destination,
                    sourceAddress: settings.sourceAddress
                        ?? (settings.family == .ipv4 ? ownAddresses.first { $0.family == .ipv4 } : nil),
                    receiveQueueLimit: Self.receiveQueueLimit,
                    authenticationHeader: settings.usesAuthenticationHeader))
        } catch {
            vmac?.remove(logger: logger, instance: settings.name)
            throw error
        }
        do {
            arp = try GratuitousARPSender(interface: settings.addressInterface)
            neighbourAdverts = try NeighbourAdvertSender(interface: settings.addressInterface)
            addresses = try VirtualAddressTable(
                netlink: netlink, specs: settings.virtualAddresses + settings.excludedAddresses)
            routes = try VirtualRouteTable(netlink: netlink, specs: settings.virtualRoutes)
            rules = VirtualRuleTable(netlink: netlink, rules: settings.virtualRules)
            machine = VRRPStateMachine(
                configuration: try settings.machineConfiguration(
                    primaryAddress: socket.sourceAddress, interfaceIsOperational: netlink.isOperational))
        } catch {
            socket.close()
            vmac?.remove(logger: logger, instance: settings.name)
            throw error
        }
        self.socket = socket
        self.vmac = vmac
        let own = Set(
            socket.interface.ipv4Addresses + socket.interface.ipv6Addresses + ownAddresses + [socket.sourceAddress])
        expectations = settings.expectations(ownAddresses: own, isAddressOwner: settings.priority == 255)
        self.origin = origin
        diagnostics = AdvertDiagnostics(instance: settings.name, virtualRouterID: settings.virtualRouterID)
        notifier = NotifyRunner(logger: logger, fifos: fifos)
    }

    public var state: VRRPInstanceState { machine.state }
    /// The machine as it is now: what a sync group starts from.
    var currentMachine: VRRPStateMachine { machine }
    public var effectivePriority: UInt8 { machine.effectivePriority }

    /// The instant the state machine sees: centiseconds since the daemon's origin.
    private var now: VRRPInstant { VRRPInstant(sinceOrigin: clock.now - origin) }

    /// Sets the D-Bus object that mirrors this instance; its properties are brought up to date.
    func attach(_ object: PublishedObject) {
        self.object = object
        published = nil
        publish()
    }

    /// Makes this instance a member of a sync group, which decides for it from now on.
    func join(_ group: SyncGroupCoordinator) {
        self.group = group
    }

    /// Starts receiving and, unless a sync group starts it, leaves INIT: BACKUP (removing
    /// leftover addresses) or MASTER.
    public func start() {
        guard receiveTask == nil else { return }
        if settings.policy.promoteSecondaries {
            do {
                promotedSecondaries = try PromoteSecondaries(interface: settings.interface)
            } catch {
                logger.error("VRRP_Instance(\(name)) promote_secondaries: \(error)")
            }
        }
        // keepalived checks the hop limit of multicast adverts only: its own IPv6 unicast
        // adverts leave with the kernel's default of 64.
        let isUnicast = if case .unicast = settings.destination { true } else { false }
        let adverts = socket.adverts(options: AdvertDecodeOptions(requireTTL255: !isUnicast))
        receiveTask = Task { [weak self] in
            for await result in adverts {
                guard let self else { return }
                await self.receive(result)
            }
        }
        if group == nil { perform(machine.start(now: now)) }
    }

    /// A clean stop: a MASTER sends priority 0 and removes its addresses (a sync group stops
    /// its members itself, before this); then the socket closes.
    public func shutdown() async {
        if group == nil { perform(machine.shutdown(now: now)) }
        timer.cancel()
        garpTask?.cancel()
        lowerPriorityGARPTask?.cancel()
        receiveTask?.cancel()
        socket.close()
        arp.close()
        promotedSecondaries?.restore()
        neighbourAdverts.close()
        vmac?.remove(logger: logger, instance: name)
        vmac = nil
        await notifier.finish()
        await lastDelivery?.finish(within: .seconds(2))
    }

    // MARK: Reload

    /// Applies a changed block in place, keeping the state: priority, interval, preemption,
    /// authentication and addresses (a MASTER swaps only the addresses that changed). A change
    /// of interface, version, VRID or transport needs a new runner (`canReload(to:)` is false).
    public func reload(_ new: InstanceSettings) async throws {
        guard new != settings else { return }
        let configuration = try new.machineConfiguration(
            primaryAddress: socket.sourceAddress, interfaceIsOperational: addresses.netlink.isOperational)
        let table = try VirtualAddressTable(
            netlink: addresses.netlink, specs: new.virtualAddresses + new.excludedAddresses)
        let newRoutes = try VirtualRouteTable(netlink: addresses.netlink, specs: new.virtualRoutes)
        let newRules = VirtualRuleTable(netlink: addresses.netlink, rules: new.virtualRules)
        if holdsAddresses {
            firewall?.unblock(allAddresses)
            if new.policy.dropsTrafficToVIPs(basePriority: new.priority) {
                firewall?.block(new.advertisedAddresses + new.excludedAddresses.map(\.address))
            }
            let failures =
                rules.removeAll(except: newRules) + routes.removeAll(except: newRoutes)
                + addresses.removeAll(except: table) + table.addAll() + newRoutes.addAll() + newRules.addAll()
            for failure in failures { logger.error("VRRP_Instance(\(name)) \(failure)") }
        }
        addresses = table
        routes = newRoutes
        rules = newRules
        settings = new
        expectations = new.expectations(
            ownAddresses: expectations.ownAddresses, isAddressOwner: machine.effectivePriority == 255)
        logger.info("VRRP_Instance(\(name)) configuration reloaded")
        do {
            try object?.update(InstanceObject.interface, ["VirtualAddresses": InstanceObject.addressList(new)])
        } catch {
            logger.warning("VRRP_Instance(\(name)) cannot update D-Bus properties: \(error)")
        }
        do {
            try await decide(.reload(configuration))
        } catch {
            logger.error("VRRP_Instance(\(name)) reload refused: \(error)")
        }
    }

    // MARK: Tracking

    /// A tracked interface went up or down (or was found so at start): FAULT for weight 0,
    /// else the priority moves by its weight. Untracked interfaces are ignored.
    public func interfaceChanged(_ interface: String, operational: Bool) async {
        let id = VRRPTrackedObject.ID(.interface, interface)
        let status: VRRPTrackedObject.Status = operational ? .ok : .failed
        guard let tracked = machine.trackedObjects.first(where: { $0.id == id }), tracked.status != status else {
            return
        }
        logger.info("Netlink reports \(interface) \(operational ? "up" : "down")")
        do {
            try await decide(.trackedObjectChanged(id, status))
        } catch {
            logger.error("VRRP_Instance(\(name)) cannot track \(interface): \(error)")
        }
    }

    /// A tracked script's status from checkd (or FAILED when its grace ran out).
    public func scriptChanged(_ script: String, status: VRRPTrackedObject.Status) async {
        let id = VRRPTrackedObject.ID(.script, script)
        guard let tracked = machine.trackedObjects.first(where: { $0.id == id }), tracked.status != status else {
            return
        }
        logger.info("VRRP_Script(\(script)) \(status == .ok ? "succeeded" : status == .failed ? "failed" : "unknown")")
        do {
            try await decide(.trackedObjectChanged(id, status))
        } catch {
            logger.error("VRRP_Instance(\(name)) cannot track script \(script): \(error)")
        }
    }

    /// A tracked file's number, read after its directory changed.
    public func fileChanged(_ file: String, value: Int) async {
        let id = VRRPTrackedObject.ID(.file, file)
        guard let tracked = machine.trackedObjects.first(where: { $0.id == id }), tracked.value != value else {
            return
        }
        logger.info("Track_file(\(file)) now has value \(value)")
        do {
            try await decide(.trackedFileChanged(id, value: value))
        } catch {
            logger.error("VRRP_Instance(\(name)) cannot track file \(file): \(error)")
        }
    }

    // MARK: D-Bus control

    /// `SetPriority`, `ResetPriority`, `Switchover`: errors are the machine's refusals.
    public func control(_ event: VRRPEvent) async throws(VRRPStateMachineError) {
        try await decide(event)
    }

    /// Hands an event to whoever decides: this instance's own machine, or its sync group.
    private func decide(_ event: VRRPEvent) async throws(VRRPStateMachineError) {
        if let group {
            try await group.handle(event, from: name, now: now)
        } else {
            perform(try machine.handle(event, now: now))
        }
    }

    /// The sync group's decision for this member: its machine as the group left it, and the
    /// actions to perform.
    func apply(_ actions: [VRRPAction], machine: VRRPStateMachine) {
        self.machine = machine
        perform(actions)
    }

    // MARK: Receiving

    private func receive(_ result: Result<ReceivedVRRPAdvert, AdvertDropReason>) async {
        let received: ReceivedVRRPAdvert
        switch result {
        case .failure(let reason):
            drop(reason, from: nil)
            return
        case .success(let advert):
            received = advert
        }
        if received.advert.virtualRouterID != settings.virtualRouterID,
            siblingVRIDs.contains(received.advert.virtualRouterID)
        {
            return
        }
        expectations.isAddressOwner = machine.effectivePriority == 255
        let notices: AdvertNotices
        do {
            notices = try received.validate(against: expectations)
        } catch {
            drop(error, from: received.source)
            if let diagnostic = diagnostics.dropped(error, from: received.source, now: clock.now) {
                report(diagnostic)
            }
            return
        }
        do {
            try acceptSequenceNumber(of: received)
        } catch {
            drop(error, from: received.source)
            return
        }
        let wasMaster = machine.state == .master
        packetCounters.received()
        if let sender = try? VRRPRouterAddress(bytes: received.source.bytes) {
            let advert = VRRPReceivedAdvert(
                priority: received.advert.priority,
                advertInterval: .centiseconds(Int64(received.advert.advertIntervalCentiseconds)), sender: sender)
            try? await decide(.advertReceived(advert))
        }
        // A master that stays master after another router's advert outranks a rival that does not
        // hear it: split brain. One that steps down was just preempted (a switchover, a router back).
        let stillMaster = wasMaster && machine.state == .master
        if !stillMaster { diagnostics.forgetRivals() }
        let found = diagnostics.accepted(
            received, notices: notices, weAreMaster: stillMaster,
            advertInterval: machine.configuration.advertInterval.duration, now: clock.now)
        for diagnostic in found { report(diagnostic) }
    }

    /// Logs a diagnostic and signals it as `Diagnostic(kind, sender, message)`.
    private func report(_ diagnostic: Diagnostic) {
        logger.warning("\(diagnostic.message)")
        do {
            try object?.emit(
                InstanceObject.interface, "Diagnostic",
                [.string(diagnostic.kind.rawValue), .string("\(diagnostic.sender)"), .string(diagnostic.message)])
        } catch {
            logger.warning("VRRP_Instance(\(name)) cannot emit Diagnostic: \(error)")
        }
    }

    private func drop(_ reason: AdvertDropReason, from source: InetAddress?) {
        packetCounters.dropped(reason)
        guard dropLog.allows(reason.name, now: clock.now) else { return }
        let origin = source.map { " from \($0)" } ?? ""
        logger.warning(
            "VRRP_Instance(\(settings.name)) dropped advert\(origin): \(reason) (logged at most once a minute)")
    }

    // MARK: Actions

    private func perform(_ actions: [VRRPAction]) {
        for action in actions {
            switch action {
            case .sendAdvert(let priority):
                sendAdvert(priority: priority)
            case .addVirtualAddresses:
                logger.info("VRRP_Instance(\(settings.name)) setting protocol VIPs.")
                if settings.policy.dropsTrafficToVIPs(basePriority: settings.priority) {
                    firewall?.block(allAddresses)
                }
                holdsAddresses = true
                for failure in addresses.addAll() + routes.addAll() + rules.addAll() {
                    logger.error("VRRP_Instance(\(name)) \(failure)")
                }
            case .removeVirtualAddresses:
                if holdsAddresses {
                    logger.info("VRRP_Instance(\(settings.name)) removing protocol VIPs.")
                } else {
                    logger.debug("VRRP_Instance(\(settings.name)) removing VIPs a predecessor may have left")
                }
                holdsAddresses = false
                garpTask?.cancel()
                lowerPriorityGARPTask?.cancel()
                for failure in rules.removeAll() + routes.removeAll() + addresses.removeAll() {
                    logger.error("VRRP_Instance(\(name)) \(failure)")
                }
                firewall?.unblock(allAddresses)
            case .sendGratuitousARP:
                announce()
            case .sendGratuitousARPBurst(let count, let delay):
                reannounce(count: count, after: delay.duration)
            case .armTimer(_, let deadline):
                armTimer(at: deadline)
            case .cancelTimer:
                timer.cancel()
            case .notify(let state):
                notifier.transition(
                    to: state, kind: "INSTANCE", name: name, priority: machine.effectivePriority,
                    scripts: settings.notify)
            case .stateChanged(let old, let new, let reason):
                if settings.policy.smtpAlert, let mailer,
                    let delivery = mailer.instance(name, entered: new, lastMailed: lastMailed)
                {
                    lastMailed = new
                    lastDelivery = delivery
                }
                if new == .master { sequence.becomingMaster() }
                lastTransition = WallClock.microsecondsSinceEpoch()
                publish()
                do {
                    try object?.emit(
                        InstanceObject.interface, "StateChanged",
                        [.string(old.rawValue), .string(new.rawValue), .string(reason)])
                } catch {
                    logger.warning("VRRP_Instance(\(settings.name)) cannot emit StateChanged: \(error)")
                }
            case .effectivePriorityChanged:
                break
            case .log(let line):
                logger.info("\(line)")
            }
        }
        publish()
    }

    /// The VIPs and excluded VIPs: what accept mode filters.
    private var allAddresses: [InetAddress] {
        settings.advertisedAddresses + settings.excludedAddresses.map(\.address)
    }

    /// A reload may bring other mail settings, or the first instance needing the firewall.
    func use(mailer: TransitionMailer?, firewall: AcceptModeFirewall?) {
        self.mailer = mailer
        self.firewall = firewall
    }

    private func sendAdvert(priority: UInt8) {
        do {
            if case .ipsecAH(let key) = settings.authentication {
                try socket.send(settings.advert(priority: priority), sequenceNumber: sequence.next(), key: key)
            } else {
                try socket.send(settings.advert(priority: priority))
            }
            packetCounters.sent()
        } catch {
            if dropLog.allows("send", now: clock.now) {
                logger.error("VRRP_Instance(\(settings.name)) cannot send advert: \(error)")
            }
        }
    }

    /// keepalived's gratuitous ARP (IPv4) and unsolicited neighbour adverts (IPv6) as MASTER,
    /// on `TakeoverAnnouncer`'s schedule. On its own task, so adverts are never delayed;
    /// cancelled when the addresses go.
    private func announce() {
        let addresses = settings.advertisedAddresses + settings.excludedAddresses.map(\.address)
        guard !addresses.isEmpty else { return }
        let announcer = TakeoverAnnouncer(
            arp: arp, neighbourAdverts: neighbourAdverts, pacer: garpPacer, settings: settings, addresses: addresses)
        if !announcer.ipv4.isEmpty {
            let text = announcer.ipv4.map(\.description).joined(separator: ", ")
            logger.info("VRRP_Instance(\(name)) Sending gratuitous ARPs on \(settings.addressInterface) for \(text)")
        }
        if !announcer.ipv6.isEmpty {
            let text = announcer.ipv6.map(\.description).joined(separator: ", ")
            logger.info(
                "VRRP_Instance(\(name)) Sending unsolicited Neighbour Adverts on \(settings.addressInterface) for \(text)")
        }
        garpTask?.cancel()
        let (logger, name) = (logger, name)
        garpTask = Task {
            do {
                try await announcer.run()
            } catch is CancellationError {
            } catch {
                logger.warning("VRRP_Instance(\(name)) gratuitous ARP / neighbour advert failed: \(error)")
            }
        }
    }

    /// A lower priority router is about: refresh the neighbours' ARP caches on a task of its
    /// own (keepalived's `garp_lower_prio_repeat`), one burst series at a time.
    private func reannounce(count: Int, after delay: Duration) {
        let addresses = settings.advertisedAddresses + settings.excludedAddresses.map(\.address)
        guard !addresses.isEmpty, count > 0 else { return }
        logger.info(
            "VRRP_Instance(\(name)) lower priority router seen: \(count) gratuitous ARPs on \(settings.interface)")
        lowerPriorityGARPTask?.cancel()
        let (arp, pacer, logger, name, interval) = (self.arp, garpPacer, logger, name, settings.garpInterval)
        lowerPriorityGARPTask = Task {
            do {
                try await arp.reannounce(
                    addresses, count: count, secondBurstAfter: delay, interval: interval, pacer: pacer)
            } catch is CancellationError {
            } catch {
                logger.warning("VRRP_Instance(\(name)) gratuitous ARP failed: \(error)")
            }
        }
    }

    // MARK: Timer

    /// One timer task at a time. A later deadline does not restart it: it wakes at the old
    /// deadline, sees the new one and sleeps again. An earlier one replaces it.
    private func armTimer(at deadline: VRRPInstant) {
        timer.deadline = deadline
        if let sleepingUntil = timer.sleepingUntil, sleepingUntil <= deadline { return }
        startTimerTask(until: deadline)
    }

    private func startTimerTask(until deadline: VRRPInstant) {
        timer.task?.cancel()
        timer.generation &+= 1
        timer.sleepingUntil = deadline
        let (generation, wake, clock) = (timer.generation, origin + deadline.sinceOrigin, clock)
        timer.task = Task { [weak self] in
            do { try await clock.sleep(until: wake) } catch { return }
            await self?.timerWoke(generation: generation)
        }
    }

    private func timerWoke(generation: UInt64) async {
        guard generation == timer.generation else { return }
        timer.task = nil
        timer.sleepingUntil = nil
        guard let deadline = timer.deadline else { return }
        let now = self.now
        guard now >= deadline else {
            startTimerTask(until: deadline)
            return
        }
        timer.deadline = nil
        try? await decide(.timerFired)
    }

    // MARK: Properties

    private func publish() {
        let snapshot = InstanceSnapshot(
            state: machine.state, priority: machine.basePriority, effectivePriority: machine.effectivePriority,
            advertInterval: machine.configuration.advertInterval,
            masterAddress: machine.masterAddress?.description ?? "", lastTransition: lastTransition,
            lastReason: machine.lastReason)
        guard let object, snapshot != published else { return }
        let changes = snapshot.changes(since: published)
        published = snapshot
        do {
            try object.update(InstanceObject.interface, changes)
        } catch {
            logger.warning("VRRP_Instance(\(settings.name)) cannot update D-Bus properties: \(error)")
        }
    }
}

/// The instance's single timer: the armed deadline and the task sleeping towards it.
struct TimerState {
    var deadline: VRRPInstant?
    var sleepingUntil: VRRPInstant?
    var task: Task<Void, Never>?
    var generation: UInt64 = 0

    mutating func cancel() {
        deadline = nil
        sleepingUntil = nil
        task?.cancel()
        task = nil
        generation &+= 1
    }
}

extension InstanceRunner {
    /// `auth_type AH`, after the ICV checked out: a sequence number not above the last one
    /// seen or sent is a replay. A MASTER hearing a lower priority numbers on from it, as
    /// keepalived does, so a peer that restarted from 0 catches up.
    fileprivate func acceptSequenceNumber(of received: ReceivedVRRPAdvert) throws(AdvertDropReason) {
        guard let header = received.authenticationHeader?.header else { return }
        try sequence.accept(header.sequenceNumber)
        if state == .master, received.advert.priority < effectivePriority {
            sequence.synchronise(afterLowerPriority: header.sequenceNumber)
        }
    }
}
