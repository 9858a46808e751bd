import Glibc
import Logging

/// A swift-log handler that writes one plain line per record to stderr (or another descriptor),
/// for daemons run by hand or under a supervisor other than systemd. Format: ``LogLine``.
public struct StderrLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public let label: String
    /// Where lines go; `STDERR_FILENO` unless a test or tool says otherwise.
    public let fileDescriptor: Int32

    public init(
        label: String,
        fileDescriptor: Int32 = STDERR_FILENO,
        metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider
    ) {
        self.label = label
        self.fileDescriptor = fileDescriptor
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = Self.mergedMetadata(handler: metadata, provider: metadataProvider, event: event.metadata)
        write(LogLine.format(event: event, label: label, metadata: merged))
    }

    /// Writes the line and a newline with one `write(2)`, so lines of concurrent loggers do not
    /// interleave; retries after signals and short writes.
    func write(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fileDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return  // Nowhere left to report a failing stderr.
                }
                offset += written
            }
        }
    }

    /// The handler's metadata, then the provider's, then the call's: later ones win.
    static func mergedMetadata(
        handler: Logger.Metadata,
        provider: Logger.MetadataProvider?,
        event: Logger.Metadata?
    ) -> Logger.Metadata {
        var merged = handler
        if let provided = provider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, new in new }
        }
        if let event, !event.isEmpty {
            merged.merge(event) { _, new in new }
        }
        return merged
    }
}

/// The plain-text line format:
/// `<timestamp> <label>[<pid>]: <level>: <message> key=value ...`
///
/// The timestamp is UTC ISO 8601 with milliseconds (`2026-11-22T19:55:08.123Z`); metadata keys
/// are sorted; a value that is empty or holds a space, `"`, `=` or a control character is
/// quoted with `"` and `\`-escaped. A logged error appears as `error=`.
public enum LogLine {
    public static func format(
        event: LogEvent,
        label: String,
        metadata: Logger.Metadata,
        time: Duration = LogLine.now(),
        pid: Int32 = getpid()
    ) -> String {
        var line = "\(timestamp(time)) \(label)[\(pid)]: \(event.level): \(event.message)"
        var metadata = metadata
        if let error = event.error {
            metadata["error"] = "\(error)"
        }
        for key in metadata.keys.sorted() {
            line += " \(key)=\(quoted(metadata[key]!.description))"
        }
        return line
    }

    /// The wall clock now, as time since the Unix epoch.
    public static func now() -> Duration {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return .seconds(now.tv_sec) + .nanoseconds(now.tv_nsec)
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC, for a time since the Unix epoch.
    public static func timestamp(_ sinceEpoch: Duration) -> String {
        let (wholeSeconds, attoseconds) = sinceEpoch.components
        var seconds = time_t(wholeSeconds)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2))"
            + "T\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2))"
            + ".\(pad(Int(attoseconds / 1_000_000_000_000_000), 3))Z"
    }

    /// The value as is when it is one plain word, otherwise quoted and escaped.
    public static func quoted(_ value: String) -> String {
        let needsQuotes =
            value.isEmpty
            || value.unicodeScalars.contains {
                $0 == " " || $0 == "\"" || $0 == "=" || $0.value < 0x20 || $0.value == 0x7F
            }
        guard needsQuotes else { return value }
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\x" + (hex.count < 2 ? "0" + hex : hex)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
