import HealthCheckers
import KeepalivedConfig
import Testing

/// TCP_CHECK started from the connect poller's own timer, as checkd's scheduler runs it.
@Suite struct ScheduledTCPProbeTests {
    private func scheduledProbe(port: Int) throws -> any ScheduledProbe {
        try #require(try Fixture.probe(.tcp(ConnectCheck()), port: port) as? any ScheduledProbe)
    }

    @Test func aScheduledAttemptConnectsOnceItsTimeHasCome() async throws {
        let server = try await AcceptRecorder.start()
        defer { Task { await server.stop() } }
        let probe = try scheduledProbe(port: server.port)
        #expect(try await probe.attempt(at: .now + .milliseconds(20)) == .success(weight: nil))
        for _ in 0..<100 where await server.peers().isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        #expect(await server.peers().count == 1)
    }

    @Test func aScheduledAttemptToAClosedPortIsRefused() async throws {
        let probe = try scheduledProbe(port: try await LocalServer.closedPort())
        #expect(try await probe.attempt(at: .now) == .failure(.connectionRefused))
    }

    @Test func aCancelledAttemptNeverConnects() async throws {
        let server = try await AcceptRecorder.start()
        defer { Task { await server.stop() } }
        let probe = try scheduledProbe(port: server.port)
        let waiting = Task { try await probe.attempt(at: .now + .seconds(3600)) }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        // A later attempt on the same server is the only connection it sees.
        #expect(try await probe.attempt(at: .now) == .success(weight: nil))
        for _ in 0..<100 where await server.peers().isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        #expect(await server.peers().count == 1)
    }

    @Test func manyAttemptsShareThePoller() async throws {
        let server = try await LocalServer.start(.silent)
        defer { Task { await server.stop() } }
        let closed = try await LocalServer.closedPort()
        let open = try scheduledProbe(port: server.port)
        let refused = try scheduledProbe(port: closed)
        let results = try await withThrowingTaskGroup(of: ProbeResult.self) { group in
            for index in 0..<200 {
                let probe = index.isMultiple(of: 2) ? open : refused
                group.addTask { try await probe.attempt(at: .now + .milliseconds(index % 50)) }
            }
            return try await group.reduce(into: [ProbeResult]()) { $0.append($1) }
        }
        #expect(results.filter { $0 == .success(weight: nil) }.count == 100)
        #expect(results.filter { $0 == .failure(.connectionRefused) }.count == 100)
    }
}
