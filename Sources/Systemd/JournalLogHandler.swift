internal import CSystemd
import Glibc
import Logging

/// A swift-log handler that writes structured entries to the systemd journal with the native
/// protocol (`sd_journal_sendv`). Field mapping: see ``JournalFields``.
///
/// Use it when stderr is the journal (see ``SystemdLogging``); if journald refuses an entry the
/// line goes to stderr instead, which under systemd still reaches the journal.
public struct JournalLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    /// The logger's label, sent as `KEEPALIVE_LOGGER=`.
    public let label: String
    /// `SYSLOG_IDENTIFIER=`: what `journalctl -t` filters on, normally the daemon's name.
    public let identifier: String

    public init(
        label: String,
        identifier: String = SystemdLogging.processName,
        metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider
    ) {
        self.label = label
        self.identifier = identifier
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = StderrLogHandler.mergedMetadata(
            handler: metadata, provider: metadataProvider, event: event.metadata)
        let fields = JournalFields.fields(for: event, identifier: identifier, label: label, metadata: merged)
        if Self.send(fields) < 0 {
            let fallback = StderrLogHandler(label: label, fileDescriptor: STDERR_FILENO)
            fallback.write(LogLine.format(event: event, label: label, metadata: merged))
        }
    }

    /// Sends one entry; returns `sd_journal_sendv`'s result (negative errno on failure).
    static func send(_ fields: [(name: String, value: String)]) -> Int32 {
        // One buffer holds every "NAME=value"; the iovecs point into it. Values may hold
        // newlines or any bytes: libsystemd frames them for journald.
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(fields.count)
        for (name, value) in fields {
            let start = bytes.count
            bytes.append(contentsOf: name.utf8)
            bytes.append(UInt8(ascii: "="))
            bytes.append(contentsOf: value.utf8)
            ranges.append(start..<bytes.count)
        }
        return bytes.withUnsafeMutableBytes { buffer in
            var vectors = ranges.map { range in
                iovec(iov_base: buffer.baseAddress! + range.lowerBound, iov_len: range.count)
            }
            return vectors.withUnsafeMutableBufferPointer { vectors in
                sd_journal_sendv(vectors.baseAddress, Int32(vectors.count))
            }
        }
    }
}
