import HealthCheckers
import KeepalivedConfig
import Synchronization
import Testing

/// TCP_CHECK running its own rounds on the connect poller's thread, as checkd's scheduler runs it.
@Suite struct RepeatingTCPProbeTests {
    private func repeatingProbe(port: Int) throws -> any RepeatingProbe {
        try #require(try Fixture.probe(.tcp(ConnectCheck()), port: port) as? any RepeatingProbe)
    }

    /// What `next` saw, round by round; it asks for `rounds` rounds `gap` apart.
    private final class RoundLog: Sendable {
        let results = Mutex<[ProbeResult]>([])
        let rounds: Int
        let gap: Duration
        init(rounds: Int, gap: Duration = .milliseconds(20)) {
            self.rounds = rounds
            self.gap = gap
        }

        func next(_ result: ProbeResult) -> ContinuousClock.Instant? {
            let count = results.withLock { results in
                results.append(result)
                return results.count
            }
            return count < rounds ? .now + gap : nil
        }

        var recorded: [ProbeResult] { results.withLock { $0 } }

        func waitFor(_ count: Int) async throws {
            for _ in 0..<500 where recorded.count < count { try await Task.sleep(for: .milliseconds(10)) }
        }
    }

    @Test func roundsRepeatUntilNextSaysStop() async throws {
        let server = try await AcceptRecorder.start()
        defer { Task { await server.stop() } }
        let log = RoundLog(rounds: 3)
        let rounds = try repeatingProbe(port: server.port).repeatAttempts(from: .now) { log.next($0) }
        try await log.waitFor(3)
        // A fourth round would come 20 ms after the third: give it time to (wrongly) happen.
        try await Task.sleep(for: .milliseconds(200))
        #expect(log.recorded == Array(repeating: .success(weight: nil), count: 3))
        for _ in 0..<100 where await server.peers().count < 3 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(await server.peers().count == 3)
        rounds.stop()
    }

    @Test func aClosedPortIsRefusedEveryRound() async throws {
        let log = RoundLog(rounds: 2)
        let rounds = try repeatingProbe(port: try await LocalServer.closedPort()).repeatAttempts(from: .now) {
            log.next($0)
        }
        try await log.waitFor(2)
        #expect(log.recorded == [.failure(.connectionRefused), .failure(.connectionRefused)])
        rounds.stop()
    }

    @Test func stoppedRoundsNeverConnectAgain() async throws {
        let server = try await AcceptRecorder.start()
        defer { Task { await server.stop() } }
        let probe = try repeatingProbe(port: server.port)
        let waiting = probe.repeatAttempts(from: .now + .seconds(3600)) { _ in .now }
        waiting.stop()
        #expect(waiting.isStopped)
        // Endless rounds 10 ms apart, stopped after a few: no result is recorded after stop().
        let log = RoundLog(rounds: .max, gap: .milliseconds(10))
        let running = probe.repeatAttempts(from: .now) { log.next($0) }
        try await log.waitFor(3)
        running.stop()
        let atStop = log.recorded.count
        try await Task.sleep(for: .milliseconds(200))
        // One attempt may have been under way in `next` as stop() ran: at most that one more.
        #expect(log.recorded.count <= atStop + 1)
        #expect(log.recorded.allSatisfy { $0 == .success(weight: nil) })
    }

    @Test func manyProbesShareThePoller() async throws {
        let server = try await LocalServer.start(.silent)
        defer { Task { await server.stop() } }
        let open = try repeatingProbe(port: server.port)
        let refused = try repeatingProbe(port: try await LocalServer.closedPort())
        let logs = (0..<200).map { _ in RoundLog(rounds: 2, gap: .milliseconds(5)) }
        let rounds = logs.enumerated().map { index, log in
            (index.isMultiple(of: 2) ? open : refused).repeatAttempts(from: .now + .milliseconds(index % 50)) {
                log.next($0)
            }
        }
        for log in logs { try await log.waitFor(2) }
        let results = logs.flatMap(\.recorded)
        #expect(results.filter { $0 == .success(weight: nil) }.count == 200)
        #expect(results.filter { $0 == .failure(.connectionRefused) }.count == 200)
        for round in rounds { round.stop() }
    }
}
