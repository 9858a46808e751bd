import VRRP

/// 10.0.0.`last`: the primary address of a test router.
func address(_ last: UInt8) -> VRRPRouterAddress {
    .ipv4(10, 0, 0, last)
}

/// An instant `centiseconds` after the test clock's origin.
func at(_ centiseconds: Int64) -> VRRPInstant {
    VRRPInstant(centisecondsSinceOrigin: centiseconds)
}

func instance(
    _ name: String = "VI_1",
    version: VRRPInstanceConfiguration.ProtocolVersion = .v3,
    priority: UInt8 = 100,
    interval: VRRPDuration = .seconds(1),
    initialState: VRRPInstanceConfiguration.InitialState? = nil,
    preempt: Bool = true,
    preemptDelay: VRRPDuration = .zero,
    address last: UInt8 = 1,
    tracking: [VRRPTrackedObject] = []
) throws -> VRRPStateMachine {
    let configuration = try VRRPInstanceConfiguration(
        name: name, version: version, priority: priority, advertInterval: interval,
        initialState: initialState, preempt: preempt, preemptDelay: preemptDelay,
        primaryAddress: address(last), trackedObjects: tracking)
    return VRRPStateMachine(configuration: configuration)
}

extension Array where Element == VRRPAction {
    var advertPriorities: [UInt8] {
        compactMap { if case .sendAdvert(let priority) = $0 { priority } else { nil } }
    }

    var logLines: [String] {
        compactMap { if case .log(let line) = $0 { line } else { nil } }
    }

    var armedTimers: [VRRPInstant] {
        compactMap { if case .armTimer(_, let deadline) = $0 { deadline } else { nil } }
    }

    var notifications: [VRRPInstanceState] {
        compactMap { if case .notify(let state) = $0 { state } else { nil } }
    }
}

/// Routers sharing one LAN segment and one manual clock. Adverts a router sends reach every
/// other router at the same instant while the link is up; timers fire in deadline order. The
/// machines are the real ones: only the wire and the clock are simulated.
struct Segment {
    struct Entry: Equatable {
        var time: VRRPInstant
        var router: String
        var action: VRRPAction
    }

    private(set) var routers: [VRRPStateMachine]
    private(set) var now = VRRPInstant.origin
    private(set) var transcript: [Entry] = []
    /// False while the segment is partitioned: adverts are lost.
    var linkUp = true

    init(_ routers: [VRRPStateMachine]) {
        self.routers = routers
    }

    subscript(name: String) -> VRRPStateMachine {
        routers.first { $0.name == name }!
    }

    /// Feeds one event to one router at the current instant and delivers what it sends.
    mutating func perform(_ event: VRRPEvent, on name: String) throws {
        let index = routers.firstIndex { $0.name == name }!
        let actions = try routers[index].handle(event, now: now)
        deliver(actions, from: index)
    }

    mutating func start(_ names: String...) throws {
        for name in names { try perform(.start, on: name) }
    }

    /// Fires every timer due up to `limit`, in order, then sets the clock to `limit`.
    mutating func run(until limit: VRRPInstant) {
        while let (index, deadline) = nextTimer(), deadline <= limit {
            now = deadline
            deliver(routers[index].timerFired(now: now), from: index)
        }
        now = limit
    }

    /// (instant, new state) for every transition of `name`, in order.
    func transitions(of name: String) -> [(VRRPInstant, VRRPInstanceState)] {
        transcript.compactMap { entry in
            guard entry.router == name, case .stateChanged(_, let new, _) = entry.action else { return nil }
            return (entry.time, new)
        }
    }

    /// Instants at which `name` sent an advert with `priority`.
    func adverts(from name: String, priority: UInt8) -> [VRRPInstant] {
        transcript.compactMap { entry in
            entry.router == name && entry.action == .sendAdvert(priority: priority) ? entry.time : nil
        }
    }

    func logs(of name: String) -> [String] {
        transcript.filter { $0.router == name }.map(\.action).logLines
    }

    private func nextTimer() -> (Int, VRRPInstant)? {
        var best: (Int, VRRPInstant)?
        for (index, router) in routers.enumerated() {
            guard let deadline = router.timer?.deadline else { continue }
            if best == nil || deadline < best!.1 { best = (index, deadline) }
        }
        return best
    }

    private mutating func deliver(_ actions: [VRRPAction], from index: Int) {
        var pending = [(index, actions)]
        while !pending.isEmpty {
            let (sender, batch) = pending.removeFirst()
            for action in batch {
                transcript.append(Entry(time: now, router: routers[sender].name, action: action))
                guard linkUp, case .sendAdvert(let priority) = action else { continue }
                let configuration = routers[sender].configuration
                let advert = VRRPReceivedAdvert(
                    priority: priority, advertInterval: configuration.advertInterval,
                    sender: configuration.primaryAddress)
                for receiver in routers.indices where receiver != sender {
                    pending.append((receiver, routers[receiver].receiveAdvert(advert, now: now)))
                }
            }
        }
    }
}
