import Glibc
import Logging

/// Picks where a daemon's logs go: the journal, with structured fields, when systemd connected
/// stderr to it; plain lines on stderr otherwise.
public enum SystemdLogging {
    /// Where log records go.
    public enum Destination: Hashable, Sendable {
        /// Native journal protocol (``JournalLogHandler``).
        case journal
        /// Plain lines on stderr (``StderrLogHandler``).
        case stderr
    }

    /// The program's name (basename of `argv[0]`), the default `SYSLOG_IDENTIFIER=`.
    public static var processName: String {
        guard let path = CommandLine.arguments.first, !path.isEmpty else { return "keepalive" }
        return path.split(separator: "/").last.map(String.init) ?? path
    }

    /// Whether `JOURNAL_STREAM` (`<device>:<inode>`, set by systemd) names the file behind
    /// `fileDescriptor`. A mere `JOURNAL_STREAM` is not enough: a child whose stderr was
    /// redirected inherits the variable but not the stream.
    public static func isJournalStream(
        _ journalStream: String? = getenv("JOURNAL_STREAM").map { String(cString: $0) },
        fileDescriptor: Int32 = STDERR_FILENO
    ) -> Bool {
        guard let journalStream else { return false }
        let parts = journalStream.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else {
            return false
        }
        var status = stat()
        guard fstat(fileDescriptor, &status) == 0 else { return false }
        return UInt64(status.st_dev) == device && UInt64(status.st_ino) == inode
    }

    /// `.journal` when stderr is the journal stream, `.stderr` otherwise.
    public static func destination() -> Destination {
        isJournalStream() ? .journal : .stderr
    }

    /// A handler for `destination`, at `logLevel`.
    public static func makeHandler(
        label: String,
        destination: Destination,
        identifier: String = processName,
        logLevel: Logger.Level = .info,
        metadataProvider: Logger.MetadataProvider? = nil
    ) -> any LogHandler {
        switch destination {
        case .journal:
            var handler = JournalLogHandler(label: label, identifier: identifier, metadataProvider: metadataProvider)
            handler.logLevel = logLevel
            return handler
        case .stderr:
            var handler = StderrLogHandler(label: label, metadataProvider: metadataProvider)
            handler.logLevel = logLevel
            return handler
        }
    }

    /// Bootstraps swift-log for the process (once, as `LoggingSystem.bootstrap` requires) with
    /// the handler that fits how the daemon was started, and returns the choice.
    @discardableResult
    public static func bootstrap(
        identifier: String = processName,
        logLevel: Logger.Level = .info,
        metadataProvider: Logger.MetadataProvider? = nil
    ) -> Destination {
        let destination = destination()
        LoggingSystem.bootstrap(
            { label, provider in
                makeHandler(
                    label: label, destination: destination, identifier: identifier, logLevel: logLevel,
                    metadataProvider: provider)
            },
            metadataProvider: metadataProvider)
        return destination
    }
}
