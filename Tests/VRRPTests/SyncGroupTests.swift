import Testing
import VRRP

@Suite("vrrp_sync_group")
struct SyncGroupTests {
    func group(tracking: [VRRPTrackedObject] = []) throws -> VRRPSyncGroup {
        try VRRPSyncGroup(
            name: "G1",
            members: [
                try instance("VI_1", priority: 100, address: 1),
                try instance("VI_2", priority: 100, interval: .centiseconds(200), address: 1, tracking: tracking),
            ])
    }

    @Test("members start BACKUP: the group is BACKUP and notifies once")
    func startup() throws {
        var group = try group()
        let actions = group.start(now: at(0))
        #expect(group.state == .backup)
        #expect(actions.filter { if case .notifyGroup = $0 { true } else { false } } == [.notifyGroup(.backup)])
        #expect(group.member("VI_1")?.state == .backup)
        #expect(group.member("VI_2")?.timer?.deadline == at(721))  // 3 × 200 + 156 × 200 / 256
    }

    @Test("one member MASTER → every member MASTER at the same instant")
    func memberMasterCarriesGroup() throws {
        var group = try group()
        _ = group.start(now: at(0))
        let actions = try group.handle(.timerFired, for: "VI_1", now: at(360))
        #expect(group.state == .master)
        #expect(group.member("VI_1")?.state == .master)
        #expect(group.member("VI_2")?.state == .master)
        #expect(group.member("VI_2")?.lastTransition == at(360))
        #expect(group.member("VI_2")?.lastReason == "sync group G1 went MASTER")
        #expect(actions.contains(.log("VRRP_Group(G1) Syncing instances to MASTER state")))
        #expect(actions.contains(.instance("VI_2", .addVirtualAddresses)))
        #expect(actions.contains(.instance("VI_2", .sendAdvert(priority: 100))))
        #expect(actions.contains(.notifyGroup(.master)))
        #expect(actions.contains(.groupStateChanged(from: .backup, to: .master)))
        #expect(group.member("VI_2")?.timer == .init(kind: .advertisement, deadline: at(560)))
    }

    @Test("one member outranked → every member BACKUP")
    func memberBackupCarriesGroup() throws {
        var group = try group()
        _ = group.start(now: at(0))
        _ = try group.handle(.timerFired, for: "VI_1", now: at(360))
        let advert = VRRPReceivedAdvert(priority: 200, advertInterval: .seconds(1), sender: address(7))
        let actions = try group.handle(.advertReceived(advert), for: "VI_1", now: at(400))
        #expect(group.state == .backup)
        #expect(group.member("VI_2")?.state == .backup)
        #expect(actions.contains(.log("VRRP_Group(G1) Syncing instances to BACKUP state")))
        #expect(actions.contains(.instance("VI_2", .removeVirtualAddresses)))
        #expect(actions.contains(.notifyGroup(.backup)))
    }

    @Test("one member FAULT → every member FAULT; recovery → all BACKUP and re-elect")
    func memberFaultCarriesGroup() throws {
        var group = try group(tracking: [VRRPTrackedObject(.script, "chk_db")])
        _ = group.start(now: at(0))
        _ = try group.handle(.timerFired, for: "VI_1", now: at(360))
        #expect(group.state == .master)

        let down = try group.handle(.trackedObjectChanged(.init(.script, "chk_db"), .failed), for: "VI_2", now: at(500))
        #expect(group.state == .fault)
        #expect(group.member("VI_1")?.state == .fault)
        #expect(group.member("VI_2")?.state == .fault)
        #expect(down.contains(.log("VRRP_Group(G1) Syncing instances to FAULT state")))
        #expect(down.contains(.instance("VI_1", .sendAdvert(priority: 0))))
        #expect(down.contains(.instance("VI_1", .removeVirtualAddresses)))
        #expect(down.contains(.notifyGroup(.fault)))
        #expect(group.member("VI_1")?.lastReason == "sync group G1 went FAULT")

        // VI_1 alone cannot leave: the group holds it.
        #expect(try group.handle(.timerFired, for: "VI_1", now: at(900)).isEmpty)

        let up = try group.handle(.trackedObjectChanged(.init(.script, "chk_db"), .ok), for: "VI_2", now: at(1000))
        #expect(group.state == .backup)
        #expect(group.member("VI_1")?.state == .backup)
        #expect(group.member("VI_2")?.state == .backup)
        #expect(up.contains(.instance("VI_1", .armTimer(.masterDown, at: at(1360)))))
        #expect(up.contains(.notifyGroup(.backup)))
    }

    @Test("a member failing at startup holds the whole group in FAULT")
    func faultAtStartup() throws {
        var group = try group(tracking: [VRRPTrackedObject(.script, "chk_db", status: .failed)])
        _ = group.start(now: at(0))
        #expect(group.state == .fault)
        #expect(group.members.allSatisfy { $0.state == .fault })
    }

    @Test("Switchover on one member hands over every MASTER member with priority 0")
    func groupSwitchover() throws {
        var group = try group()
        _ = group.start(now: at(0))
        _ = try group.handle(.timerFired, for: "VI_1", now: at(360))
        let actions = try group.handle(.switchover, for: "VI_1", now: at(400))
        #expect(actions.contains(.instance("VI_1", .sendAdvert(priority: 0))))
        #expect(actions.contains(.instance("VI_2", .sendAdvert(priority: 0))))
        // Make before break: every member keeps MASTER and its addresses while handing over.
        #expect(group.state == .master)
        #expect(group.members.allSatisfy { $0.state == .master && $0.isHandingOver && $0.holdsBackupAfterSwitchover })
        #expect(try group.handle(.switchover, for: "VI_2", now: at(410)).isEmpty)

        // The new master's first advert on one member carries the whole group to BACKUP.
        let newMaster = VRRPReceivedAdvert(priority: 100, advertInterval: .seconds(1), sender: address(7))
        let handedOver = try group.handle(.advertReceived(newMaster), for: "VI_1", now: at(460))
        #expect(group.state == .backup)
        #expect(group.members.allSatisfy { $0.state == .backup && $0.holdsBackupAfterSwitchover })
        #expect(handedOver.contains(.notifyGroup(.backup)))
        #expect(throws: VRRPStateMachineError.switchoverRequiresMaster(current: .backup)) {
            try group.handle(.switchover, for: "VI_2", now: at(500))
        }
    }

    @Test("a member leaving INIT while the group is MASTER joins it as MASTER")
    func lateMemberJoinsMaster() throws {
        var group = try group(tracking: [VRRPTrackedObject(.script, "chk_db", weight: 0, status: .unknown)])
        _ = group.start(now: at(0))
        #expect(group.member("VI_2")?.state == .initialize)
        _ = try group.handle(.timerFired, for: "VI_1", now: at(360))
        #expect(group.state == .master)
        #expect(group.member("VI_2")?.state == .initialize)
        let actions = try group.handle(.trackedObjectChanged(.init(.script, "chk_db"), .ok), for: "VI_2", now: at(500))
        #expect(group.member("VI_2")?.state == .master)
        #expect(group.member("VI_1")?.state == .master)
        #expect(group.state == .master)
        #expect(actions.contains(.instance("VI_2", .addVirtualAddresses)))
    }

    @Test("shutdown stops every member and the group")
    func shutdown() throws {
        var group = try group()
        _ = group.start(now: at(0))
        _ = try group.handle(.timerFired, for: "VI_1", now: at(360))
        let actions = group.shutdown(now: at(400))
        #expect(group.state == .stop)
        #expect(actions.contains(.instance("VI_1", .sendAdvert(priority: 0))))
        #expect(actions.contains(.instance("VI_2", .sendAdvert(priority: 0))))
        #expect(actions.contains(.notifyGroup(.stop)))
    }

    @Test("bad groups and unknown members are refused")
    func errors() throws {
        #expect(throws: VRRPStateMachineError.emptySyncGroup("G0")) { try VRRPSyncGroup(name: "G0", members: []) }
        let member = try instance("VI_1")
        #expect(throws: VRRPStateMachineError.duplicateMember("VI_1")) {
            try VRRPSyncGroup(name: "G2", members: [member, member])
        }
        var group = try group()
        #expect(throws: VRRPStateMachineError.unknownMember("VI_9")) {
            try group.handle(.start, for: "VI_9", now: at(0))
        }
    }
}
