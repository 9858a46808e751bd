/// A valid D-Bus object path such as `/org/keepalive/Vrrp1/instance/VI_5f1`.
public struct ObjectPath: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The path text; always valid by construction.
    public let rawValue: String

    /// Validates `path` against the D-Bus rules (`/`, or `/`-separated non-empty `[A-Za-z0-9_]` labels).
    public init(_ path: String) throws(DBusError) {
        guard ObjectPath.isValid(path) else { throw .invalidArgs("'\(path)' is not a valid object path") }
        rawValue = path
    }

    /// The root path `/`.
    public static let root = ObjectPath(unchecked: "/")

    init(unchecked path: String) { rawValue = path }

    public var description: String { rawValue }

    public static func < (lhs: ObjectPath, rhs: ObjectPath) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Appends one label, escaping it so that any string maps to exactly one valid label.
    public func appending(escaping label: String) -> ObjectPath {
        let escaped = ObjectPath.escapeLabel(label)
        return ObjectPath(unchecked: rawValue == "/" ? "/" + escaped : rawValue + "/" + escaped)
    }

    /// The last label, unescaped; nil for `/` or a label that is not a valid escape.
    public var lastLabelUnescaped: String? {
        guard rawValue != "/", let slash = rawValue.lastIndex(of: "/") else { return nil }
        return ObjectPath.unescapeLabel(String(rawValue[rawValue.index(after: slash)...]))
    }

    /// Whether `self` is `ancestor` or lies below it.
    public func isDescendant(of ancestor: ObjectPath) -> Bool {
        if ancestor.rawValue == "/" || ancestor == self { return true }
        return rawValue.hasPrefix(ancestor.rawValue + "/")
    }

    /// Escapes a string into one object path label the way systemd does: every byte outside
    /// `[A-Za-z0-9]` becomes `_` and two lowercase hex digits; the empty string becomes `_`.
    public static func escapeLabel(_ label: String) -> String {
        if label.isEmpty { return "_" }
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(label.utf8.count)
        for byte in label.utf8 {
            if isAlphanumeric(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "_"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Reverses `escapeLabel`; nil when `label` is not something `escapeLabel` produces
    /// (bad hex digits, a truncated escape, or bytes that are not UTF-8).
    public static func unescapeLabel(_ label: String) -> String? {
        if label == "_" { return "" }
        let bytes = Array(label.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "_") {
                guard index + 2 < bytes.count, let high = hexValue(bytes[index + 1]),
                    let low = hexValue(bytes[index + 2])
                else { return nil }
                out.append(high << 4 | low)
                index += 3
            } else if isAlphanumeric(byte) {
                out.append(byte)
                index += 1
            } else {
                return nil
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    static func isValid(_ path: String) -> Bool {
        let bytes = Array(path.utf8)
        guard bytes.first == UInt8(ascii: "/") else { return false }
        if bytes.count == 1 { return true }
        guard bytes.last != UInt8(ascii: "/") else { return false }
        var previousSlash = false
        for byte in bytes {
            if byte == UInt8(ascii: "/") {
                if previousSlash { return false }
                previousSlash = true
            } else {
                guard isAlphanumeric(byte) || byte == UInt8(ascii: "_") else { return false }
                previousSlash = false
            }
        }
        return true
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}

/// A valid D-Bus signature value (the `g` type).
public struct Signature: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    /// The parsed types.
    public let types: [DBusType]

    public init(_ signature: String) throws(DBusError) {
        types = try DBusType.parseSignature(signature)
        rawValue = signature
    }

    public init(types: [DBusType]) {
        self.types = types
        rawValue = types.signature
    }

    public var description: String { rawValue }
}
