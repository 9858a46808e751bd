import Glibc
import Logging
import Testing

@testable import Systemd

/// What the child process logs: the marker lets the parent find its line among the runner's.
private let childMarker = "child-process-log-line"

/// The child's side: bootstrap logging the way a daemon does and log one line. Runs only when a
/// test below re-executes this binary; in a normal run it is skipped.
@Test(
    .enabled(
        if: getenv(ChildProcess.modeVariable) != nil,
        "entry point of the child process started by the bootstrap tests, not a test by itself"))
func systemdChildProcessEntry() {
    SystemdLogging.bootstrap(identifier: "childd")
    var logger = Logger(label: "keepalive.child")
    logger[metadataKey: "instance"] = "VI_1"
    logger.notice("\(childMarker) \(String(cString: getenv(ChildProcess.modeVariable)))")
}

extension ProcessGlobalTests {
    @Suite("bootstrap in a fresh process")
    struct ChildProcessLoggingTests {
        @Test("without JOURNAL_STREAM a daemon writes plain lines to its stderr")
        func plainLinesOnStderr() throws {
            let child = try ChildProcess.run(
                entryPoint: "systemdChildProcessEntry", mode: "stderr")
            #expect(child.exitStatus == 0)
            let lines = child.stderr.split(separator: "\n").filter { $0.contains(childMarker) }
            #expect(lines.count == 1)
            let line = try #require(lines.first)
            #expect(line.hasSuffix(" keepalive.child[\(child.pid)]: notice: \(childMarker) stderr instance=VI_1"))
        }

        @Test(
            "with JOURNAL_STREAM naming its stderr a daemon writes journal entries, not lines",
            .enabled(if: getuid() == 0, "needs root: binds /run/systemd/journal/socket"),
            .enabled(
                if: JournalSocket.isFree(),
                "a real journald listens on /run/systemd/journal/socket: not stealing its socket"))
        func journalEntriesUnderSystemd() throws {
            let journal = try JournalSocket.bind()
            let child = try ChildProcess.run(
                entryPoint: "systemdChildProcessEntry", mode: "journal", journalStreamOfStderr: true)
            #expect(child.exitStatus == 0)
            #expect(!child.stderr.contains(childMarker))

            let entry = try JournalDatagram(journal.receive())
            #expect(entry["MESSAGE"] == "\(childMarker) journal")
            #expect(entry["PRIORITY"] == "5")
            #expect(entry["SYSLOG_IDENTIFIER"] == "childd")
            #expect(entry["KEEPALIVE_LOGGER"] == "keepalive.child")
            #expect(entry["KEEPALIVE_INSTANCE"] == "VI_1")
        }
    }
}
