import CSystemd
import Glibc
import Logging
import Testing

@testable import Systemd

// Signals go to the whole process. The test runner may run other targets' tests (a
// ServiceGroup that stops on SIGTERM, say) in the same process, so every signal here is sent
// to a child: this test binary re-executed for one of the entry points below.

/// Whether this process is the child started for `mode`.
private func isChild(_ mode: String) -> Bool {
    getenv(ChildProcess.modeVariable).map { String(cString: $0) } == mode
}

private let childOnly = "entry point of a child process started by the signal tests, not a test by itself"

/// The child's side: signals sent to its own process come back as events, and it survives.
@Test(.enabled(if: isChild("own"), Comment(rawValue: childOnly)), .timeLimit(.minutes(1)))
func systemdChildOwnSignalsEntry() async throws {
    let signals = try await DaemonSignals()
    for (name, number, _) in DaemonSignals.handled {
        #expect(keepalive_signal_disposition(number) == 2, "\(name): default action replaced by a handler")
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
    Logger(label: "keepalive.child") { StderrLogHandler(label: $0, metadataProvider: nil) }.notice("child-survived")
}

/// The child's side: a miniature daemon main loop, announcing each step on stderr so the
/// parent knows when to signal it.
@Test(.enabled(if: isChild("loop"), Comment(rawValue: childOnly)))
func systemdChildSignalLoopEntry() async throws {
    let logger = Logger(label: "keepalive.child") { StderrLogHandler(label: $0, metadataProvider: nil) }
    var events = try await DaemonSignals(logger: logger).makeAsyncIterator()
    logger.notice("child-ready")
    while let event = await events.next() {
        logger.notice("child-event \(event)")
        if event == .stop { break }
    }
    logger.notice("child-stopped")
}

/// The child's side: handlers installed, the sequence dropped, then SIGHUP and SIGTERM.
@Test(.enabled(if: isChild("dropped"), Comment(rawValue: childOnly)))
func systemdChildDroppedSequenceEntry() async throws {
    do {
        _ = try await DaemonSignals()
    }
    kill(getpid(), SIGHUP)
    kill(getpid(), SIGTERM)
    Logger(label: "keepalive.child") { StderrLogHandler(label: $0, metadataProvider: nil) }.notice("child-survived")
}

// In the serialized suite: spawning a child reads the environment other tests change.
extension ProcessGlobalTests {
    @Suite("SIGHUP, SIGTERM and SIGINT as daemon events")
    struct DaemonSignalsTests {
        @Test("signals a daemon sends itself arrive as reload/stop events and kill nothing", .timeLimit(.minutes(1)))
        func ownSignalsBecomeEvents() throws {
            let child = try ChildProcess.run(entryPoint: "systemdChildOwnSignalsEntry", mode: "own")
            #expect(child.exitStatus == 0, "child: \(child.stderr)")
            #expect(child.stderr.contains("notice: child-survived"))
        }

        @Test("SIGHUP reloads and SIGTERM stops a running daemon, which then exits cleanly", .timeLimit(.minutes(1)))
        func reloadThenStop() throws {
            let child = try ChildProcess(entryPoint: "systemdChildSignalLoopEntry", mode: "loop")
            try #require(child.line(containing: "child-ready") != nil, "child failed: \(child.stderr)")

            #expect(kill(child.pid, SIGHUP) == 0)
            #expect(child.line(containing: "child-event")?.hasSuffix("notice: child-event reload") == true)
            #expect(kill(child.pid, SIGHUP) == 0)
            #expect(child.line(containing: "child-event")?.hasSuffix("notice: child-event reload") == true)

            #expect(kill(child.pid, SIGTERM) == 0)
            #expect(child.line(containing: "child-event")?.hasSuffix("notice: child-event stop") == true)
            #expect(child.line(containing: "child-stopped") != nil)
            #expect(child.finish() == 0)
        }

        @Test("once the sequence is gone, SIGHUP and SIGTERM are swallowed, not fatal", .timeLimit(.minutes(1)))
        func droppedSequenceStillProtects() throws {
            let child = try ChildProcess.run(entryPoint: "systemdChildDroppedSequenceEntry", mode: "dropped")
            #expect(child.exitStatus == 0, "child: \(child.stderr)")
            #expect(child.stderr.contains("notice: child-survived"))
        }
    }
}
