/// A Swift type with a fixed D-Bus type, convertible to and from `DBusValue`.
///
/// Lets handlers write `call.arguments[0].as(UInt8.self)` and build replies with `42.dbusValue`
/// instead of spelling out enum cases.
public protocol DBusRepresentable: Sendable {
    /// The D-Bus type every value of this Swift type has.
    static var dbusType: DBusType { get }
    /// The value as D-Bus sees it.
    var dbusValue: DBusValue { get }
    /// Reads a value of exactly this type; nil otherwise (callers look through variants first).
    init?(dbusValue: DBusValue)
}

extension UInt8: DBusRepresentable {
    public static var dbusType: DBusType { .byte }
    public var dbusValue: DBusValue { .byte(self) }
    public init?(dbusValue: DBusValue) {
        guard case .byte(let v) = dbusValue else { return nil }
        self = v
    }
}

extension Bool: DBusRepresentable {
    public static var dbusType: DBusType { .boolean }
    public var dbusValue: DBusValue { .boolean(self) }
    public init?(dbusValue: DBusValue) {
        guard case .boolean(let v) = dbusValue else { return nil }
        self = v
    }
}

extension Int16: DBusRepresentable {
    public static var dbusType: DBusType { .int16 }
    public var dbusValue: DBusValue { .int16(self) }
    public init?(dbusValue: DBusValue) {
        guard case .int16(let v) = dbusValue else { return nil }
        self = v
    }
}

extension UInt16: DBusRepresentable {
    public static var dbusType: DBusType { .uint16 }
    public var dbusValue: DBusValue { .uint16(self) }
    public init?(dbusValue: DBusValue) {
        guard case .uint16(let v) = dbusValue else { return nil }
        self = v
    }
}

extension Int32: DBusRepresentable {
    public static var dbusType: DBusType { .int32 }
    public var dbusValue: DBusValue { .int32(self) }
    public init?(dbusValue: DBusValue) {
        guard case .int32(let v) = dbusValue else { return nil }
        self = v
    }
}

extension UInt32: DBusRepresentable {
    public static var dbusType: DBusType { .uint32 }
    public var dbusValue: DBusValue { .uint32(self) }
    public init?(dbusValue: DBusValue) {
        guard case .uint32(let v) = dbusValue else { return nil }
        self = v
    }
}

extension Int64: DBusRepresentable {
    public static var dbusType: DBusType { .int64 }
    public var dbusValue: DBusValue { .int64(self) }
    public init?(dbusValue: DBusValue) {
        guard case .int64(let v) = dbusValue else { return nil }
        self = v
    }
}

extension UInt64: DBusRepresentable {
    public static var dbusType: DBusType { .uint64 }
    public var dbusValue: DBusValue { .uint64(self) }
    public init?(dbusValue: DBusValue) {
        guard case .uint64(let v) = dbusValue else { return nil }
        self = v
    }
}

extension Double: DBusRepresentable {
    public static var dbusType: DBusType { .double }
    public var dbusValue: DBusValue { .double(self) }
    public init?(dbusValue: DBusValue) {
        guard case .double(let v) = dbusValue else { return nil }
        self = v
    }
}

extension String: DBusRepresentable {
    public static var dbusType: DBusType { .string }
    public var dbusValue: DBusValue { .string(self) }
    public init?(dbusValue: DBusValue) {
        guard case .string(let v) = dbusValue else { return nil }
        self = v
    }
}

extension ObjectPath: DBusRepresentable {
    public static var dbusType: DBusType { .objectPath }
    public var dbusValue: DBusValue { .objectPath(self) }
    public init?(dbusValue: DBusValue) {
        guard case .objectPath(let v) = dbusValue else { return nil }
        self = v
    }
}

extension Signature: DBusRepresentable {
    public static var dbusType: DBusType { .signature }
    public var dbusValue: DBusValue { .signature(self) }
    public init?(dbusValue: DBusValue) {
        guard case .signature(let v) = dbusValue else { return nil }
        self = v
    }
}

extension Array: DBusRepresentable where Element: DBusRepresentable {
    public static var dbusType: DBusType { .array(Element.dbusType) }
    public var dbusValue: DBusValue { .array(element: Element.dbusType, map(\.dbusValue)) }
    public init?(dbusValue: DBusValue) {
        guard case .array(Element.dbusType, let values) = dbusValue else { return nil }
        var out: [Element] = []
        out.reserveCapacity(values.count)
        for value in values {
            guard let element = Element(dbusValue: value) else { return nil }
            out.append(element)
        }
        self = out
    }
}

extension Dictionary: DBusRepresentable where Key: DBusRepresentable, Value: DBusRepresentable {
    public static var dbusType: DBusType { .dictionary(key: Key.dbusType, value: Value.dbusType) }
    public var dbusValue: DBusValue {
        var map: [DBusValue: DBusValue] = [:]
        for (key, value) in self { map[key.dbusValue] = value.dbusValue }
        return .dictionary(key: Key.dbusType, value: Value.dbusType, map)
    }
    public init?(dbusValue: DBusValue) {
        guard case .dictionary(Key.dbusType, Value.dbusType, let map) = dbusValue else { return nil }
        var out: [Key: Value] = [:]
        for (key, value) in map {
            guard let k = Key(dbusValue: key), let v = Value(dbusValue: value) else { return nil }
            out[k] = v
        }
        self = out
    }
}

/// Lets `[String: DBusValue]` be used where D-Bus wants `a{sv}`.
extension DBusValue: DBusRepresentable {
    public static var dbusType: DBusType { .variant }
    public var dbusValue: DBusValue { .variant(self) }
    public init?(dbusValue: DBusValue) {
        guard case .variant(let inner) = dbusValue else { return nil }
        self = inner
    }
}
