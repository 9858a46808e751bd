import IPVS
import KeepalivedConfig
import Testing

@testable import IPVSDaemon

@Suite struct PlannerTests {
    let vs = tcp("10.0.0.1", 80)

    @Test func anEmptyKernelGetsEveryServiceAndDestination() throws {
        var state = TableState(configuration: try configuration(twoServers))
        let (step, after) = state.converge(IPVSTable())
        #expect(
            step.operations.map(\.description) == [
                "Adding VS [10.0.0.1]:80 (rr)",
                "Adding service [10.0.0.2]:80 to VS [10.0.0.1]:80",
                "Adding service [10.0.0.3]:80 to VS [10.0.0.1]:80",
            ])
        #expect(after.weight(vs, endpoint("10.0.0.2", 80)) == 2)
        #expect(after.weight(vs, endpoint("10.0.0.3", 80)) == 3)
        #expect(after.entries[vs]?.destinations[endpoint("10.0.0.2", 80)]?.forwarding == .nat)
    }

    @Test func aMatchingKernelTableIsAdoptedUntouched() throws {
        var state = TableState(configuration: try configuration(twoServers))
        let (_, table) = state.converge(IPVSTable())
        // What the kernel reads back carries counters and the hashed flag: still no operation.
        var kernel = table
        kernel.entries[vs]?.service.flags.insert(.hashed)
        kernel.entries[vs]?.service.stats.connections = 42
        kernel.entries[vs]?.destinations[endpoint("10.0.0.2", 80)]?.activeConnections = 7
        var restarted = TableState(configuration: try configuration(twoServers))
        #expect(restarted.step(kernel: kernel).operations.isEmpty)
    }

    @Test func driftIsRepairedWithTheFewestOperations() throws {
        var state = TableState(configuration: try configuration(twoServers))
        var (_, kernel) = state.converge(IPVSTable())
        // By hand: a weight changed, a destination deleted, a stranger added, the scheduler changed.
        kernel.entries[vs]?.destinations[endpoint("10.0.0.2", 80)]?.weight = 9
        kernel.entries[vs]?.destinations[endpoint("10.0.0.3", 80)] = nil
        kernel.entries[vs]?.destinations[endpoint("10.0.0.9", 80)] = IPVSDestination(address("10.0.0.9"), port: 80)
        kernel.entries[vs]?.service.scheduler = "wlc"
        let (step, _) = state.converge(kernel)
        #expect(
            step.operations.map(\.description) == [
                "Changing VS [10.0.0.1]:80: wlc -> rr",
                "Adding service [10.0.0.3]:80 to VS [10.0.0.1]:80",
                "Changing weight from 9 to 2 for service [10.0.0.2]:80 of VS [10.0.0.1]:80",
                "Removing service [10.0.0.9]:80 from VS [10.0.0.1]:80",
            ])
    }

    @Test func servicesThatAreNotOursAreNeverTouched() throws {
        var state = TableState(configuration: try configuration(twoServers))
        let stranger = IPVSTable.Entry(
            service: IPVSService(tcp("192.0.2.1", 443)),
            destinations: [IPVSDestination(address("192.0.2.2"), port: 443)])
        var (_, kernel) = state.converge(IPVSTable([stranger]))
        #expect(kernel.entries[stranger.service.key] == stranger)
        kernel.entries[stranger.service.key]?.destinations = [:]
        #expect(state.step(kernel: kernel).operations.isEmpty)
    }

    @Test func aVirtualServerRemovedOnReloadIsDeletedOthersAdopted() throws {
        var state = TableState(
            configuration: try configuration(
                twoServers + """

                    virtual_server 10.0.0.5 443 {
                        protocol TCP
                        real_server 10.0.0.6 443 { }
                    }
                    """))
        let (_, kernel) = state.converge(IPVSTable())
        #expect(kernel.entries.count == 2)
        state.reload(try configuration(twoServers))
        let (step, after) = state.converge(kernel)
        #expect(step.operations.map(\.description) == ["Removing Virtual Server [10.0.0.5]:443"])
        #expect(after.entries.keys.sorted { $0.description < $1.description } == [vs])
        // Once the kernel no longer has it, it is no longer ours: one added by hand there stays.
        #expect(state.step(kernel: after).operations.isEmpty)
        #expect(state.retired.isEmpty)
        let handMade = IPVSTable.Entry(service: IPVSService(tcp("10.0.0.5", 443)))
        var withHandMade = after
        withHandMade.entries[handMade.service.key] = handMade
        #expect(state.step(kernel: withHandMade).operations.isEmpty)
    }

    @Test func aChangedKeyIsDeletedAndAdded() throws {
        var state = TableState(configuration: try configuration(twoServers))
        let (_, kernel) = state.converge(IPVSTable())
        state.reload(try configuration(twoServers.replacingOccurrences(of: "10.0.0.1 80", with: "10.0.0.1 8080")))
        let (step, after) = state.converge(kernel)
        #expect(step.operations.first?.description == "Adding VS [10.0.0.1]:8080 (rr)")
        #expect(step.operations.last?.description == "Removing Virtual Server [10.0.0.1]:80")
        #expect(after.entries[vs] == nil)
    }

    @Test func settingsChangesAreEditsNotRecreations() throws {
        var state = TableState(configuration: try configuration(twoServers))
        let (_, kernel) = state.converge(IPVSTable())
        let changed =
            twoServers
            .replacingOccurrences(
                of: "lvs_sched rr",
                with:
                    "lvs_sched wlc\n    persistence_timeout 300\n    persistence_granularity 255.255.255.0\n    lvs_method DR"
            )
            .replacingOccurrences(of: "weight 3", with: "weight 5\n uthreshold 100\n lthreshold 10")
        state.reload(try configuration(changed))
        let (step, after) = state.converge(kernel)
        #expect(step.operations.count == 3)
        #expect(step.operations.allSatisfy { if case .deleteService = $0 { false } else { true } })
        #expect(after.entries[vs]?.service.persistence == IPVSPersistence(timeout: 300, prefixLength: 24))
        let three = after.entries[vs]?.destinations[endpoint("10.0.0.3", 80)]
        #expect(three?.forwarding == .directRouting)
        #expect(three?.weight == 5)
        #expect(three?.upperThreshold == 100 && three?.lowerThreshold == 10)
    }

    @Test func forwardingMethodsAndTunnelsReachTheKernelForm() throws {
        var state = TableState(
            configuration: try configuration(
                """
                virtual_server fwmark 7 {
                    lvs_sched sh
                    sh-port
                    lvs_method TUN type gue port 6080 csum
                    real_server 10.0.0.2 { }
                    real_server 10.0.0.3 { lvs_method TUN type gre }
                    real_server 10.0.0.4 { lvs_method DR }
                }
                """))
        let key = IPVSService.Key.firewallMark(7, family: .ipv4)
        let (_, after) = state.converge(IPVSTable())
        #expect(after.entries[key]?.service.flags.contains(.shPort) == true)
        #expect(
            after.entries[key]?.destinations[endpoint("10.0.0.2", 0)]?.forwarding
                == .tunnel(.gue(port: 6080, flags: .checksum)))
        #expect(after.entries[key]?.destinations[endpoint("10.0.0.3", 0)]?.forwarding == .tunnel(.gre()))
        #expect(after.entries[key]?.destinations[endpoint("10.0.0.4", 0)]?.forwarding == .directRouting)
    }

    @Test func retiredServicesGoLastAndAddsComeBeforeDeletes() throws {
        let kernel = IPVSTable([
            IPVSTable.Entry(
                service: IPVSService(vs, scheduler: "rr"),
                destinations: [IPVSDestination(address("10.0.0.7"), port: 80)])
        ])
        let desired = IPVSTable([
            IPVSTable.Entry(
                service: IPVSService(vs, scheduler: "rr"),
                destinations: [IPVSDestination(address("10.0.0.8"), port: 80)]),
            IPVSTable.Entry(service: IPVSService(tcp("10.0.0.1", 81), scheduler: "rr")),
        ])
        let plan = TablePlanner.plan(desired: desired, kernel: kernel)
        #expect(
            plan.map(\.description) == [
                "Adding service [10.0.0.8]:80 to VS [10.0.0.1]:80",
                "Removing service [10.0.0.7]:80 from VS [10.0.0.1]:80",
                "Adding VS [10.0.0.1]:81 (rr)",
            ])
    }

    @Test func aRestartRemovesWhatTheLastRunDeclaredAndThisConfigurationDropped() throws {
        var first = TableState(
            configuration: try configuration(
                twoServers + """

                    virtual_server 10.0.0.5 443 {
                        protocol TCP
                        real_server 10.0.0.6 443 { }
                    }
                    """))
        var (step, kernel) = first.converge(IPVSTable())
        let recorded = Set(step.views.flatMap(\.keys).map(\.description))
        let stranger = IPVSTable.Entry(service: IPVSService(tcp("192.0.2.1", 443)))
        kernel.entries[stranger.service.key] = stranger
        // ipvsd restarts with 10.0.0.5 gone from the file.
        var second = TableState(configuration: try configuration(twoServers))
        second.retire(recorded: recorded, kernel: kernel)
        (step, kernel) = second.converge(kernel)
        #expect(step.operations.map(\.description) == ["Removing Virtual Server [10.0.0.5]:443"])
        #expect(kernel.entries[stranger.service.key] == stranger)
        #expect(kernel.entries[vs] != nil)
    }
}
