import Testing
import VRRP

/// Two nodes, each with the sync group G1 of VI_1 and VI_2, on one segment: an advert a node's
/// member sends reaches the same-named member of the other node at the same instant.
struct GroupSegment {
    private(set) var nodes: [VRRPSyncGroup]
    private(set) var now = VRRPInstant.origin
    private(set) var transcript: [(time: VRRPInstant, node: Int, action: VRRPSyncGroup.Action)] = []

    init(_ nodes: [VRRPSyncGroup]) {
        self.nodes = nodes
    }

    mutating func start() {
        for node in nodes.indices { deliver(nodes[node].start(now: now), from: node) }
    }

    mutating func perform(_ event: VRRPEvent, on member: String, of node: Int) throws {
        deliver(try nodes[node].handle(event, for: member, now: now), from: node)
    }

    mutating func run(until limit: VRRPInstant) throws {
        while let (node, member, deadline) = nextTimer(), deadline <= limit {
            now = deadline
            deliver(try nodes[node].handle(.timerFired, for: member, now: now), from: node)
        }
        now = limit
    }

    func transitions(of member: String, on node: Int) -> [(VRRPInstant, VRRPInstanceState)] {
        transcript.compactMap { entry in
            guard entry.node == node, case .instance(member, .stateChanged(_, let new, _)) = entry.action else {
                return nil
            }
            return (entry.time, new)
        }
    }

    private func nextTimer() -> (Int, String, VRRPInstant)? {
        var best: (Int, String, VRRPInstant)?
        for (node, group) in nodes.enumerated() {
            for member in group.members {
                guard let deadline = member.timer?.deadline else { continue }
                if best == nil || deadline < best!.2 { best = (node, member.name, deadline) }
            }
        }
        return best
    }

    private mutating func deliver(_ actions: [VRRPSyncGroup.Action], from node: Int) {
        var pending = [(node, actions)]
        while !pending.isEmpty {
            let (sender, batch) = pending.removeFirst()
            for action in batch {
                transcript.append((now, sender, action))
                guard case .instance(let member, .sendAdvert(let priority)) = action,
                    let configuration = nodes[sender].member(member)?.configuration
                else { continue }
                let advert = VRRPReceivedAdvert(
                    priority: priority, advertInterval: configuration.advertInterval,
                    sender: configuration.primaryAddress)
                for receiver in nodes.indices where receiver != sender {
                    let reply = (try? nodes[receiver].handle(.advertReceived(advert), for: member, now: now)) ?? []
                    pending.append((receiver, reply))
                }
            }
        }
    }
}

@Suite("Sync groups failing over between two nodes")
struct SyncGroupFailoverTests {
    func node(priority: UInt8, address last: UInt8, tracking: [VRRPTrackedObject] = []) throws -> VRRPSyncGroup {
        try VRRPSyncGroup(
            name: "G1",
            members: [
                try instance("VI_1", priority: priority, address: last, tracking: tracking),
                try instance("VI_2", priority: priority, address: last),
            ])
    }

    @Test("a tracked script failing on the master node moves the whole group, and back")
    func groupFailoverAndBack() throws {
        var segment = GroupSegment([
            try node(priority: 150, address: 1, tracking: [VRRPTrackedObject(.script, "chk_app")]),
            try node(priority: 100, address: 2),
        ])
        segment.start()
        try segment.run(until: at(1000))
        #expect(segment.nodes[0].state == .master)
        #expect(segment.nodes[1].state == .backup)
        #expect(segment.transitions(of: "VI_2", on: 0).last! == (at(341), .master))

        // The script fails: node 0 goes FAULT with priority 0 on both routers; node 1 takes
        // over one Skew_Time (60 cs) later, VI_1 first and VI_2 carried with it.
        try segment.perform(.trackedObjectChanged(.init(.script, "chk_app"), .failed), on: "VI_1", of: 0)
        #expect(segment.nodes[0].state == .fault)
        try segment.run(until: at(2000))
        #expect(segment.nodes[1].state == .master)
        #expect(segment.transitions(of: "VI_1", on: 1).last! == (at(1060), .master))
        #expect(segment.transitions(of: "VI_2", on: 1).last! == (at(1060), .master))

        // It recovers: node 0 re-elects from BACKUP and preempts at its MDI (341 cs).
        try segment.perform(.trackedObjectChanged(.init(.script, "chk_app"), .ok), on: "VI_1", of: 0)
        try segment.run(until: at(3000))
        #expect(segment.nodes[0].state == .master)
        #expect(segment.nodes[1].state == .backup)
        #expect(segment.transitions(of: "VI_1", on: 0).last! == (at(2341), .master))
        #expect(segment.transitions(of: "VI_2", on: 1).last! == (at(2341), .backup))
    }
}
