import Glibc
import Testing

@testable import Systemd

extension ProcessGlobalTests {
    @Suite("watchdog")
    struct WatchdogTests {
        @Test("WATCHDOG_USEC gives the interval; WATCHDOG_PID of another process turns it off")
        func intervalFromEnvironment() async throws {
            try await withEnvironment(["WATCHDOG_USEC": "3000000", "WATCHDOG_PID": "\(getpid())"]) {
                () async throws -> Void in
                #expect(try Watchdog.interval() == .seconds(3))
            }
            try await withEnvironment(["WATCHDOG_USEC": "3000000", "WATCHDOG_PID": "\(getpid() + 1)"]) {
                () async throws -> Void in
                #expect(try Watchdog.interval() == nil)
            }
            try await withEnvironment(["WATCHDOG_USEC": nil, "WATCHDOG_PID": nil]) { () async throws -> Void in
                #expect(try Watchdog.interval() == nil)
                #expect(try WatchdogPinger.fromEnvironment(heartbeat: Heartbeat()) == nil)
            }
            try await withEnvironment(["WATCHDOG_USEC": "soon", "WATCHDOG_PID": nil]) { () async throws -> Void in
                #expect(throws: SystemdError.self) { try Watchdog.interval() }
            }
        }

        @Test("pings arrive while the heartbeat beats and stop when it stops", .timeLimit(.minutes(1)))
        func pingsFollowTheHeartbeat() async throws {
            let socket = try DatagramSocket()
            try await withEnvironment([
                "NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "4000000", "WATCHDOG_PID": "\(getpid())",
            ]) { () async throws -> Void in
                let interval = try #require(try Watchdog.interval())
                let clock = ManualClock()
                let heartbeat = Heartbeat()
                let pinger = WatchdogPinger(interval: interval, heartbeat: heartbeat, clock: clock)
                #expect(pinger.pingPeriod == .seconds(2))
                #expect(pinger.heartbeatPeriod == .seconds(1))

                let running = Task { await pinger.run() }

                // Less than a period: no ping yet, even with a beat.
                await clock.waitForSleepers()
                heartbeat.beat()
                clock.advance(by: .seconds(1))
                #expect(try socket.receiveIfQueued() == nil)

                // The period ends after a beat: one ping.
                clock.advance(by: .seconds(1))
                #expect(try socket.receiveText() == "WATCHDOG=1")

                // Several beats in one period still make one ping.
                await clock.waitForSleepers()
                heartbeat.beat()
                heartbeat.beat()
                heartbeat.beat()
                clock.advance(by: .seconds(2))
                #expect(try socket.receiveText() == "WATCHDOG=1")

                // The loop is stuck: two whole periods pass, no ping.
                for _ in 0..<2 {
                    await clock.waitForSleepers()
                    clock.advance(by: .seconds(2))
                }
                await clock.waitForSleepers()  // the pinger has handled the second period
                #expect(try socket.receiveIfQueued() == nil)

                // The loop beats again: pings resume.
                heartbeat.beat()
                clock.advance(by: .seconds(2))
                #expect(try socket.receiveText() == "WATCHDOG=1")

                // Cancelling the task ends run().
                await clock.waitForSleepers()
                running.cancel()
                await running.value
                #expect(try socket.receiveIfQueued() == nil)
            }
        }
    }
}
