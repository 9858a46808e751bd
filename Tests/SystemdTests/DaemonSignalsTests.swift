import CSystemd
import Glibc
import Testing

@testable import Systemd

extension ProcessGlobalTests {
    @Suite("SIGHUP, SIGTERM and SIGINT as daemon events")
    struct DaemonSignalsTests {
        @Test("signals sent to the own process arrive as events and kill nothing", .timeLimit(.minutes(1)))
        func signalsBecomeEvents() async throws {
            let signals = try await DaemonSignals()
            for (_, number, _) in DaemonSignals.handled {
                #expect(keepalive_signal_disposition(number) == 2, "default action replaced by a handler")
            }
            var events = signals.makeAsyncIterator()

            #expect(kill(getpid(), SIGHUP) == 0)
            #expect(await events.next() == .reload)
            #expect(kill(getpid(), SIGHUP) == 0)
            #expect(await events.next() == .reload)

            #expect(kill(getpid(), SIGTERM) == 0)
            #expect(await events.next() == .stop)

            #expect(kill(getpid(), SIGINT) == 0)
            #expect(await events.next() == .stop)
            // Still here: none of the three took its default action.
        }
    }
}
