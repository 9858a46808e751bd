import Glibc
import Logging
import Testing

@testable import Systemd

/// The child's side: a miniature daemon main loop. It announces each step on stderr so the
/// parent knows when to signal it.
@Test(
    .enabled(
        if: getenv(ChildProcess.modeVariable).map { String(cString: $0) } == "signals",
        "entry point of the child process started by the signal tests, not a test by itself"))
func systemdChildSignalEntry() async throws {
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
@Test(
    .enabled(
        if: getenv(ChildProcess.modeVariable).map { String(cString: $0) } == "dropped",
        "entry point of the child process started by the signal tests, not a test by itself"))
func systemdChildDroppedSequenceEntry() async throws {
    do {
        _ = try await DaemonSignals()
    }
    kill(getpid(), SIGHUP)
    kill(getpid(), SIGTERM)
    let logger = Logger(label: "keepalive.child") { StderrLogHandler(label: $0, metadataProvider: nil) }
    logger.notice("child-survived")
}

extension ProcessGlobalTests {
    @Suite("signals to a daemon process")
    struct DaemonSignalsChildTests {
        @Test("SIGHUP reloads and SIGTERM stops a running daemon, which then exits cleanly", .timeLimit(.minutes(1)))
        func reloadThenStop() throws {
            let child = try ChildProcess(entryPoint: "systemdChildSignalEntry", mode: "signals")
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
            #expect(child.exitStatus == 0)
            #expect(child.stderr.contains("notice: child-survived"))
        }
    }
}
