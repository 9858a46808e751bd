import IPVS
import KeepalivedConfig
import Testing

@testable import IPVSDaemon

@Suite struct HealthTests {
    let vs = tcp("10.0.0.1", 80)
    let two = endpoint("10.0.0.2", 80)
    let three = endpoint("10.0.0.3", 80)

    @Test func aFailedServerIsRemovedAndComesBack() throws {
        var state = TableState(configuration: try configuration(twoServers))
        var (_, kernel) = state.converge(IPVSTable())
        state.report(id("[10.0.0.1]:80", "[10.0.0.2]:80"), RealServerReport(healthy: false, weight: 2))
        let (down, afterDown) = state.converge(kernel)
        #expect(down.operations.map(\.description) == ["Removing service [10.0.0.2]:80 from VS [10.0.0.1]:80"])
        #expect(afterDown.weight(vs, two) == nil)
        kernel = afterDown
        state.report(id("[10.0.0.1]:80", "[10.0.0.2]:80"), RealServerReport(healthy: true, weight: 2))
        let (up, _) = state.converge(kernel)
        #expect(up.operations.map(\.description) == ["Adding service [10.0.0.2]:80 to VS [10.0.0.1]:80"])
    }

    @Test func inhibitOnFailureKeepsTheServerAtWeightZero() throws {
        let text = twoServers.replacingOccurrences(of: "lvs_sched rr", with: "lvs_sched rr\n    inhibit_on_failure")
        var state = TableState(configuration: try configuration(text))
        let (_, kernel) = state.converge(IPVSTable())
        state.report(id("[10.0.0.1]:80", "[10.0.0.3]:80"), RealServerReport(healthy: false, weight: 3))
        let (down, afterDown) = state.converge(kernel)
        #expect(down.operations.map(\.description) == ["Disabling service [10.0.0.3]:80 of VS [10.0.0.1]:80"])
        #expect(afterDown.weight(vs, three) == 0)
        state.report(id("[10.0.0.1]:80", "[10.0.0.3]:80"), RealServerReport(healthy: true, weight: 3))
        let (up, afterUp) = state.converge(afterDown)
        #expect(up.operations.map(\.description) == ["Enabling service [10.0.0.3]:80 of VS [10.0.0.1]:80 (weight 3)"])
        #expect(afterUp.weight(vs, three) == 3)
    }

    @Test func aRealServersOwnInhibitOverridesTheVirtualServers() throws {
        let text = twoServers.replacingOccurrences(of: "{ weight 3 }", with: "{\n weight 3\n inhibit_on_failure\n }")
        var state = TableState(configuration: try configuration(text))
        state.report(id("[10.0.0.1]:80", "[10.0.0.2]:80"), RealServerReport(healthy: false, weight: 2))
        state.report(id("[10.0.0.1]:80", "[10.0.0.3]:80"), RealServerReport(healthy: false, weight: 3))
        let (_, kernel) = state.converge(IPVSTable())
        #expect(kernel.weight(vs, two) == nil)
        #expect(kernel.weight(vs, three) == 0)
    }

    @Test func drainedIsWeightZeroDisabledIsRemoved() throws {
        var state = TableState(configuration: try configuration(twoServers))
        let (_, kernel) = state.converge(IPVSTable())
        state.report(
            id("[10.0.0.1]:80", "[10.0.0.2]:80"), RealServerReport(healthy: true, weight: 2, adminState: .drained))
        state.report(
            id("[10.0.0.1]:80", "[10.0.0.3]:80"), RealServerReport(healthy: true, weight: 3, adminState: .disabled))
        let (step, after) = state.converge(kernel)
        #expect(after.weight(vs, two) == 0)
        #expect(after.weight(vs, three) == nil)
        #expect(step.views.first?.liveWeight == 0)
        #expect(step.views.first?.destinations.map(\.state) == [.inhibited, .removed])
    }

    @Test func checkdsWeightIsApplied() throws {
        var state = TableState(configuration: try configuration(twoServers))
        let (_, kernel) = state.converge(IPVSTable())
        state.report(id("[10.0.0.1]:80", "[10.0.0.2]:80"), RealServerReport(healthy: true, weight: 7))
        let (step, after) = state.converge(kernel)
        #expect(
            step.operations.map(\.description) == [
                "Changing weight from 2 to 7 for service [10.0.0.2]:80 of VS [10.0.0.1]:80"
            ])
        #expect(after.weight(vs, two) == 7)
    }

    @Test func alphaServersStartDownUntilCheckdSaysOtherwise() throws {
        let text = twoServers.replacingOccurrences(of: "lvs_sched rr", with: "lvs_sched rr\n    alpha")
        var state = TableState(configuration: try configuration(text))
        let (_, kernel) = state.converge(IPVSTable())
        #expect(kernel.entries[vs]?.destinations.isEmpty == true)
        state.report(id("[10.0.0.1]:80", "[10.0.0.3]:80"), RealServerReport(healthy: true, weight: 3))
        let (_, after) = state.converge(kernel)
        #expect(after.entries[vs]?.destinations.keys.sorted() == [three])
    }

    @Test func aForgottenReportFallsBackToTheConfiguration() throws {
        var state = TableState(configuration: try configuration(twoServers))
        state.report(id("[10.0.0.1]:80", "[10.0.0.2]:80"), RealServerReport(healthy: false, weight: 2))
        let (_, kernel) = state.converge(IPVSTable())
        #expect(kernel.weight(vs, two) == nil)
        state.forget(id("[10.0.0.1]:80", "[10.0.0.2]:80"))
        let (_, after) = state.converge(kernel)
        #expect(after.weight(vs, two) == 2)
    }

    @Test func haSuspendLeavesDestinationsAsTheyAre() throws {
        let text = twoServers.replacingOccurrences(of: "lvs_sched rr", with: "lvs_sched rr\n    ha_suspend")
        var state = TableState(configuration: try configuration(text))
        var (_, kernel) = state.converge(IPVSTable())
        state.suspended = ["[10.0.0.1]:80"]
        state.report(id("[10.0.0.1]:80", "[10.0.0.2]:80"), RealServerReport(healthy: false, weight: 2))
        kernel.entries[vs]?.service.scheduler = "wlc"
        let (step, after) = state.converge(kernel)
        // The service itself is still kept right; its destinations wait for the address.
        #expect(step.operations.map(\.description) == ["Changing VS [10.0.0.1]:80: wlc -> rr"])
        #expect(after.weight(vs, two) == 2)
        #expect(step.views.first?.suspended == true)
        state.suspended = []
        let (resumed, _) = state.converge(after)
        #expect(resumed.operations.map(\.description) == ["Removing service [10.0.0.2]:80 from VS [10.0.0.1]:80"])
    }

    @Test func suspensionNeedsHaSuspendInTheConfiguration() throws {
        var state = TableState(configuration: try configuration(twoServers))
        state.suspended = ["[10.0.0.1]:80"]
        state.report(id("[10.0.0.1]:80", "[10.0.0.2]:80"), RealServerReport(healthy: false, weight: 2))
        let (_, kernel) = state.converge(IPVSTable())
        #expect(kernel.weight(vs, two) == nil)
    }
}
