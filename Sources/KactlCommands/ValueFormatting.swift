import DBus
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// D-Bus values as a person reads them, and as JSON.
enum ValueFormatting {
    /// Properties that hold microseconds since the epoch (systemd's convention).
    static let timestampProperties: Set<String> = ["ConfigLoadedAt", "LastTransition", "LastRun"]

    /// A value in a line of text: strings bare, lists comma-separated, maps `key=value`.
    static func text(_ value: DBusValue?, property: String? = nil) -> String {
        guard let value = value?.unwrapped else { return "-" }
        if let property, timestampProperties.contains(property), let micros = value.uint64Value {
            return micros == 0 ? "never" : localTime(microseconds: micros)
        }
        switch value {
        case .byte(let v): return "\(v)"
        case .boolean(let v): return v ? "yes" : "no"
        case .int16(let v): return "\(v)"
        case .uint16(let v): return "\(v)"
        case .int32(let v): return "\(v)"
        case .uint32(let v): return "\(v)"
        case .int64(let v): return "\(v)"
        case .uint64(let v): return "\(v)"
        case .double(let v): return "\(v)"
        case .string(let v): return v
        case .objectPath(let v): return v.rawValue
        case .signature(let v): return v.rawValue
        case .unixFD(let v): return "fd \(v)"
        case .variant(let v): return text(v)
        case .array(_, let values): return values.map { text($0) }.joined(separator: ", ")
        case .dictionary(_, _, let map):
            return map.map { "\(text($0.key))=\(text($0.value))" }.sorted().joined(separator: " ")
        case .structure(let fields): return "(" + fields.map { text($0) }.joined(separator: ", ") + ")"
        }
    }

    /// `2026-11-22 21:10:00` in local time; with `iso`, `2026-11-22T21:10:00.123`.
    static func localTime(microseconds: UInt64, iso: Bool = false) -> String {
        var seconds = time_t(microseconds / 1_000_000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let format = iso ? "%Y-%m-%dT%H:%M:%S" : "%Y-%m-%d %H:%M:%S"
        let count = strftime(&buffer, buffer.count, format, &parts)
        let text = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard iso else { return text }
        let millis = (microseconds / 1000) % 1000
        return text + "." + String(String(millis + 1000).dropFirst())
    }

    /// Now, in microseconds since the epoch.
    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return UInt64(spec.tv_sec) * 1_000_000 + UInt64(spec.tv_nsec) / 1000
    }
}

/// A JSON document whose objects always encode with sorted keys.
enum JSONValue: Encodable, Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let v): try container.encode(v)
        case .int(let v): try container.encode(v)
        case .uint(let v): try container.encode(v)
        case .double(let v): try container.encode(v)
        case .string(let v): try container.encode(v)
        case .array(let v): try container.encode(v)
        case .object(let v): try container.encode(v)
        }
    }

    /// Any D-Bus value: numbers stay numbers, maps become objects (keys as text).
    init(_ value: DBusValue) {
        switch value.unwrapped {
        case .byte(let v): self = .uint(UInt64(v))
        case .boolean(let v): self = .bool(v)
        case .int16(let v): self = .int(Int64(v))
        case .uint16(let v): self = .uint(UInt64(v))
        case .int32(let v): self = .int(Int64(v))
        case .uint32(let v): self = .uint(UInt64(v))
        case .int64(let v): self = .int(v)
        case .uint64(let v): self = .uint(v)
        case .double(let v): self = .double(v)
        case .string(let v): self = .string(v)
        case .objectPath(let v): self = .string(v.rawValue)
        case .signature(let v): self = .string(v.rawValue)
        case .unixFD(let v): self = .int(Int64(v))
        case .variant(let v): self = JSONValue(v)
        case .array(_, let values): self = .array(values.map(JSONValue.init))
        case .dictionary(_, _, let map):
            var object: [String: JSONValue] = [:]
            for (key, value) in map { object[ValueFormatting.text(key)] = JSONValue(value) }
            self = .object(object)
        case .structure(let fields): self = .array(fields.map(JSONValue.init))
        }
    }

    /// A property map as an object, keys as on the bus.
    init(properties: [String: DBusValue]) {
        self = .object(properties.mapValues(JSONValue.init))
    }

    /// One line of JSON (sorted keys, no escaped slashes).
    var encoded: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "null"
    }

    /// Indented JSON for a whole document.
    var pretty: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "null"
    }
}
