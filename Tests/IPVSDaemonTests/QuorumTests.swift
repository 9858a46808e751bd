import IPVS
import KeepalivedConfig
import Testing

@testable import IPVSDaemon

@Suite struct QuorumTests {
    let vs = tcp("10.0.0.1", 80)
    let name = "[10.0.0.1]:80"

    /// Three servers of weight 1, 2 and 3 (live weight 6 when all are up).
    func config(quorum: Int, hysteresis: Int, extra: String = "") throws -> KeepalivedConfiguration {
        try configuration(
            """
            virtual_server 10.0.0.1 80 {
                protocol TCP
                quorum \(quorum)
                hysteresis \(hysteresis)
                quorum_up "/usr/bin/logger up"
                quorum_down "/usr/bin/logger down"
                \(extra)
                real_server 10.0.0.2 80 { weight 1 }
                real_server 10.0.0.3 80 { weight 2 }
                real_server 10.0.0.4 80 { weight 3 }
            }
            """)
    }

    /// Sets which servers are up (by last byte) and returns the quorum events.
    func set(_ state: inout TableState, up: Set<Int>) -> [QuorumEvent] {
        for (last, weight) in [(2, 1), (3, 2), (4, 3)] {
            state.report(
                id(name, "[10.0.0.\(last)]:80"), RealServerReport(healthy: up.contains(last), weight: weight))
        }
        return state.updateQuorums()
    }

    @Test func theRuleMatchesKeepalived() {
        let rule = QuorumRule(quorum: 3, hysteresis: 1)
        #expect(rule.initiallyUp(liveWeight: 4))
        #expect(!rule.initiallyUp(liveWeight: 3))
        // Up: stays up down to quorum - hysteresis.
        #expect(rule.next(up: true, liveWeight: 2))
        #expect(!rule.next(up: true, liveWeight: 1))
        // Down: needs quorum + hysteresis.
        #expect(!rule.next(up: false, liveWeight: 3))
        #expect(rule.next(up: false, liveWeight: 4))
        // No live weight at all is down even with a hysteresis that reaches 0.
        #expect(!QuorumRule(quorum: 1, hysteresis: 1).next(up: true, liveWeight: 0))
    }

    @Test func hysteresisHoldsTheStateInsideTheBand() throws {
        var state = TableState(configuration: try config(quorum: 3, hysteresis: 1))
        #expect(set(&state, up: [2, 3, 4]).isEmpty)  // 6: up from the start
        #expect(set(&state, up: [3]).isEmpty)  // 2: inside the band, still up
        let lost = set(&state, up: [2])  // 1 < 3 - 1
        #expect(lost.map(\.description) == ["Lost quorum 3-1=2 > 1 for VS [10.0.0.1]:80"])
        #expect(lost.first?.script?.command == "/usr/bin/logger down")
        #expect(set(&state, up: [4]).isEmpty)  // 3: inside the band, still down
        let gained = set(&state, up: [2, 4])  // 4 >= 3 + 1
        #expect(gained.map(\.description) == ["Gained quorum 3+1=4 <= 4 for VS [10.0.0.1]:80"])
        #expect(gained.first?.script?.command == "/usr/bin/logger up")
    }

    @Test func withoutASorryServerLosingQuorumLeavesTheLiveServers() throws {
        var state = TableState(configuration: try config(quorum: 4, hysteresis: 0))
        _ = set(&state, up: [2, 3, 4])
        _ = state.converge(IPVSTable())
        _ = set(&state, up: [3])
        let (step, after) = state.converge(IPVSTable())
        #expect(step.views.first?.quorumUp == false)
        #expect(after.entries[vs]?.destinations.keys.sorted() == [endpoint("10.0.0.3", 80)])
    }

    @Test func theSorryServerReplacesThePoolWhileQuorumIsLost() throws {
        var state = TableState(
            configuration: try config(quorum: 4, hysteresis: 0, extra: "sorry_server 10.0.0.9 8080"))
        _ = set(&state, up: [2, 3, 4])
        var (_, kernel) = state.converge(IPVSTable())
        #expect(kernel.weight(vs, endpoint("10.0.0.9", 8080)) == nil)
        #expect(set(&state, up: [2, 3]).map(\.up) == [false])  // 3 < 4
        let (lost, afterLoss) = state.converge(kernel)
        #expect(
            lost.operations.map(\.description) == [
                "Adding service [10.0.0.9]:8080 to VS [10.0.0.1]:80",
                "Removing service [10.0.0.2]:80 from VS [10.0.0.1]:80",
                "Removing service [10.0.0.3]:80 from VS [10.0.0.1]:80",
                "Removing service [10.0.0.4]:80 from VS [10.0.0.1]:80",
            ])
        #expect(lost.views.first?.sorryServerActive == true)
        kernel = afterLoss
        #expect(set(&state, up: [2, 4]).map(\.up) == [true])
        let (gained, afterGain) = state.converge(kernel)
        #expect(gained.views.first?.sorryServerActive == false)
        #expect(
            afterGain.entries[vs]?.destinations.keys.sorted() == [endpoint("10.0.0.2", 80), endpoint("10.0.0.4", 80)])
    }

    @Test func sorryServerInhibitKeepsItAtWeightZeroAndItsMethodApplies() throws {
        var state = TableState(
            configuration: try config(
                quorum: 4, hysteresis: 0,
                extra:
                    "inhibit_on_failure\n sorry_server 10.0.0.9 8080\n sorry_server_inhibit\n sorry_server_lvs_method DR"
            ))
        _ = set(&state, up: [2, 3, 4])
        // DR cannot change ports: the configuration gives the sorry server the service's port.
        let sorry = endpoint("10.0.0.9", 80)
        let (_, kernel) = state.converge(IPVSTable())
        #expect(kernel.weight(vs, sorry) == 0)
        #expect(kernel.entries[vs]?.destinations[sorry]?.forwarding == .directRouting)
        _ = set(&state, up: [4])
        let (_, lost) = state.converge(kernel)
        #expect(lost.weight(vs, sorry) == 1)
        // With inhibit_on_failure the live servers stay in at weight 0 rather than leave.
        #expect(lost.weight(vs, endpoint("10.0.0.4", 80)) == 0)
        #expect(lost.weight(vs, endpoint("10.0.0.2", 80)) == 0)
        #expect(lost.entries[vs]?.destinations[endpoint("10.0.0.2", 80)]?.forwarding == .nat)
    }

    @Test func quorumStateSurvivesAReload() throws {
        var state = TableState(configuration: try config(quorum: 3, hysteresis: 1))
        _ = set(&state, up: [2, 3, 4])
        _ = set(&state, up: [3])  // 2: up, inside the band
        state.reload(try config(quorum: 3, hysteresis: 1, extra: "lvs_sched rr"))
        #expect(state.updateQuorums().isEmpty)
        #expect(state.quorumUp[name] == true)
    }
}
