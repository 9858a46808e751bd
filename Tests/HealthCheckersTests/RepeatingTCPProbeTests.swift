import Foundation
import Glibc
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

    @Test func thePollerThreadHasAName() async throws {
        _ = await (try repeatingProbe(port: try await LocalServer.closedPort())).attempt()
        let names = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").map {
            (try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8)) ?? ""
        }
        #expect(names.contains("checkd-connect\n"))
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

    /// A child forked while the poller closes a socket keeps that socket, and its epoll
    /// registration, alive under the old descriptor number until it exits or execs; the poller
    /// must not take that socket's events for the next connect that gets the number (checkd
    /// forks for every script). Connects still in progress (to a blackholed address) on reused
    /// numbers were once reported as passed this way.
    @Test(.enabled(if: getuid() == 0, "needs root: creates a network namespace"))
    func socketsHeldByForkedChildrenNeverAnswerForNewConnects() async throws {
        try await withRoutedNamespace { net in
            let refused = try repeatingProbe(port: try await LocalServer.closedPort())
            let check = ConnectCheck(options: Fixture.options(connectTimeout: 0.3))
            let blackholed = try #require(
                try Fixture.probe(.tcp(check), address: net.blackhole, port: 80) as? any RepeatingProbe)
            // Children that hold a copy of every descriptor for 20 ms each, one after another.
            let forking = Task.detached {
                while !Task.isCancelled {
                    let child = fork()
                    if child == 0 {
                        usleep(20_000)
                        _exit(0)
                    }
                    var status: Int32 = 0
                    waitpid(child, &status, 0)
                }
            }
            let refusedLogs = (0..<100).map { _ in RoundLog(rounds: 100, gap: .milliseconds(2)) }
            let blackholedLogs = (0..<100).map { _ in RoundLog(rounds: 3, gap: .milliseconds(1)) }
            var rounds = refusedLogs.enumerated().map { index, log in
                refused.repeatAttempts(from: .now + .microseconds(index * 20)) { log.next($0) }
            }
            rounds += blackholedLogs.enumerated().map { index, log in
                blackholed.repeatAttempts(from: .now + .milliseconds(index)) { log.next($0) }
            }
            for log in refusedLogs + blackholedLogs { try await log.waitFor(log.rounds) }
            forking.cancel()
            _ = await forking.value
            for round in rounds { round.stop() }
            #expect(refusedLogs.flatMap(\.recorded).filter { $0 != .failure(.connectionRefused) } == [])
            #expect(blackholedLogs.flatMap(\.recorded).filter { $0 != .failure(.timeout) } == [])
        }
    }
}
