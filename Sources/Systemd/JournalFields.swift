import Logging

/// How log records become journal fields.
///
/// - `MESSAGE=` the message text, unchanged (keepalived's texts stay greppable).
/// - `PRIORITY=` syslog priority: trace/debug → 7, info → 6, notice → 5, warning → 4,
///   error → 3, critical → 2.
/// - `SYSLOG_IDENTIFIER=` the daemon's name (`vrrpd`), `KEEPALIVE_LOGGER=` the logger's label.
/// - `CODE_FILE=`, `CODE_LINE=`, `CODE_FUNC=` the Swift call site.
/// - every metadata key (the logger's, its metadata provider's, then the call's, later ones
///   winning) and the logged error (as key `error`) become one field each: the key is
///   upper-cased, every byte outside `[A-Z0-9_]` becomes `_`, and `KEEPALIVE_` is put in front
///   unless the key already starts with it; the name is cut at journald's 64 bytes. So
///   `instance`, `keepalive.instance` and `KEEPALIVE_INSTANCE` all give `KEEPALIVE_INSTANCE=`,
///   `vrrp-state` gives `KEEPALIVE_VRRP_STATE=`; when two keys give one name, the field appears
///   once (the key that sorts last wins). The prefix keeps metadata from overwriting
///   systemd's own fields and keeps names from starting with `_` or a digit.
public enum JournalFields {
    /// The prefix every metadata field carries.
    public static let metadataPrefix = "KEEPALIVE_"
    /// journald ignores longer field names.
    public static let maximumNameLength = 64

    /// The journal field name for a swift-log metadata key.
    public static func fieldName(forMetadataKey key: String) -> String {
        var name = ""
        name.reserveCapacity(key.utf8.count + metadataPrefix.utf8.count)
        for byte in key.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"):
                name.unicodeScalars.append(Unicode.Scalar(byte - 32))
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
                name.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                name.append("_")
            }
        }
        if !name.hasPrefix(metadataPrefix) {
            name = metadataPrefix + name
        }
        return String(name.prefix(maximumNameLength))  // ASCII only: characters are bytes
    }

    /// The syslog priority journald and `journalctl -p` use for a log level.
    public static func priority(for level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// All fields of one record, in order, as `(name, value)` pairs.
    public static func fields(
        for event: LogEvent,
        identifier: String,
        label: String,
        metadata: Logger.Metadata
    ) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = [
            ("MESSAGE", event.message.description),
            ("PRIORITY", String(priority(for: event.level))),
            ("SYSLOG_IDENTIFIER", identifier),
            ("KEEPALIVE_LOGGER", label),
            ("CODE_FILE", event.file),
            ("CODE_LINE", String(event.line)),
            ("CODE_FUNC", event.function),
        ]
        var merged = metadata
        if let error = event.error {
            merged["error"] = "\(error)"
        }
        // Distinct keys can map to one name ("instance", "keepalive.instance"): keep one field.
        var byName: [String: String] = [:]
        for key in merged.keys.sorted() {
            byName[fieldName(forMetadataKey: key)] = merged[key]!.description
        }
        for name in byName.keys.sorted() {
            fields.append((name, byName[name]!))
        }
        return fields
    }
}
