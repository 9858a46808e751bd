/// One D-Bus value of any type.
///
/// Containers carry their element types so that empty arrays and dictionaries still have a
/// signature. Build them with the typed helpers (`.array(of:)`, `.dictionary(_:)`) or through
/// `DBusRepresentable` conversions, and read them back with `as(_:)` or the `...Value` accessors.
public indirect enum DBusValue: Hashable, Sendable {
    case byte(UInt8)
    case boolean(Bool)
    case int16(Int16)
    case uint16(UInt16)
    case int32(Int32)
    case uint32(UInt32)
    case int64(Int64)
    case uint64(UInt64)
    case double(Double)
    case string(String)
    case objectPath(ObjectPath)
    case signature(Signature)
    /// A file descriptor. Values received from the bus own a descriptor the receiver must close.
    case unixFD(Int32)
    case variant(DBusValue)
    case array(element: DBusType, [DBusValue])
    case dictionary(key: DBusType, value: DBusType, [DBusValue: DBusValue])
    case structure([DBusValue])

    /// The type of this value.
    public var type: DBusType {
        switch self {
        case .byte: .byte
        case .boolean: .boolean
        case .int16: .int16
        case .uint16: .uint16
        case .int32: .int32
        case .uint32: .uint32
        case .int64: .int64
        case .uint64: .uint64
        case .double: .double
        case .string: .string
        case .objectPath: .objectPath
        case .signature: .signature
        case .unixFD: .unixFD
        case .variant: .variant
        case .array(let element, _): .array(element)
        case .dictionary(let key, let value, _): .dictionary(key: key, value: value)
        case .structure(let fields): .structure(fields.map(\.type))
        }
    }

    /// The signature of this value's type.
    public var signature: String { type.signature }

    /// An `a{sv}` dictionary, the shape of property maps and polkit details.
    public static func dictionary(_ entries: [String: DBusValue]) -> DBusValue {
        var map: [DBusValue: DBusValue] = [:]
        for (key, value) in entries { map[.string(key)] = .variant(value) }
        return .dictionary(key: .string, value: .variant, map)
    }

    /// An array whose element type comes from a Swift type.
    public static func array<T: DBusRepresentable>(of values: [T]) -> DBusValue {
        .array(element: T.dbusType, values.map(\.dbusValue))
    }

    /// The value with every variant layer removed.
    public var unwrapped: DBusValue {
        if case .variant(let inner) = self { return inner.unwrapped }
        return self
    }

    /// Converts to a Swift type, looking through variants; nil when the types differ.
    public func `as`<T: DBusRepresentable>(_: T.Type = T.self) -> T? { T(dbusValue: unwrapped) }

    public var stringValue: String? { self.as(String.self) }
    public var boolValue: Bool? { self.as(Bool.self) }
    public var int32Value: Int32? { self.as(Int32.self) }
    public var uint32Value: UInt32? { self.as(UInt32.self) }
    public var int64Value: Int64? { self.as(Int64.self) }
    public var uint64Value: UInt64? { self.as(UInt64.self) }
    public var doubleValue: Double? { self.as(Double.self) }
    public var objectPathValue: ObjectPath? { self.as(ObjectPath.self) }

    /// The elements of an array, looking through variants.
    public var arrayValue: [DBusValue]? {
        if case .array(_, let values) = unwrapped { return values }
        return nil
    }

    /// The fields of a struct, looking through variants.
    public var structureValue: [DBusValue]? {
        if case .structure(let fields) = unwrapped { return fields }
        return nil
    }

    /// A dictionary with string keys (`a{s*}`), variants in values unwrapped.
    public var stringDictionaryValue: [String: DBusValue]? {
        guard case .dictionary(.string, _, let map) = unwrapped else { return nil }
        var out: [String: DBusValue] = [:]
        for (key, value) in map {
            if case .string(let name) = key { out[name] = value.unwrapped }
        }
        return out
    }

    /// Whether this value is a well-formed instance of `type`: container elements all have the
    /// declared types. Encoding checks this so a malformed value is an error, never a crash.
    public func conforms(to type: DBusType) -> Bool {
        switch (self, type) {
        case (.variant(let inner), .variant): return inner.conforms(to: inner.type)
        case (.array(let element, let values), .array(let expected)):
            return element == expected && values.allSatisfy { $0.conforms(to: element) }
        case (.dictionary(let key, let value, let map), .dictionary(let expectedKey, let expectedValue)):
            return key == expectedKey && value == expectedValue
                && map.allSatisfy { $0.key.conforms(to: key) && $0.value.conforms(to: value) }
        case (.structure(let fields), .structure(let expected)):
            return !fields.isEmpty && fields.count == expected.count
                && zip(fields, expected).allSatisfy { $0.conforms(to: $1) }
        default:
            return self.type == type && type.isBasic
        }
    }

    /// The zero value of a type: what a property holds before its owner sets it.
    public static func zero(of type: DBusType) -> DBusValue {
        switch type {
        case .byte: .byte(0)
        case .boolean: .boolean(false)
        case .int16: .int16(0)
        case .uint16: .uint16(0)
        case .int32: .int32(0)
        case .uint32: .uint32(0)
        case .int64: .int64(0)
        case .uint64: .uint64(0)
        case .double: .double(0)
        case .string: .string("")
        case .objectPath: .objectPath(.root)
        case .signature: .signature(Signature(types: []))
        case .unixFD: .unixFD(-1)
        case .variant: .variant(.string(""))
        case .array(let element): .array(element: element, [])
        case .dictionary(let key, let value): .dictionary(key: key, value: value, [:])
        case .structure(let fields): .structure(fields.map { zero(of: $0) })
        }
    }
}

extension DBusValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension DBusValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
}

extension DBusValue: CustomStringConvertible {
    public var description: String {
        switch self {
        case .byte(let v): "byte \(v)"
        case .boolean(let v): "\(v)"
        case .int16(let v): "int16 \(v)"
        case .uint16(let v): "uint16 \(v)"
        case .int32(let v): "int32 \(v)"
        case .uint32(let v): "uint32 \(v)"
        case .int64(let v): "int64 \(v)"
        case .uint64(let v): "uint64 \(v)"
        case .double(let v): "double \(v)"
        case .string(let v): "\"\(v)\""
        case .objectPath(let v): "objpath \(v)"
        case .signature(let v): "signature \(v)"
        case .unixFD(let v): "fd \(v)"
        case .variant(let v): "<\(v)>"
        case .array(_, let values): "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .dictionary(_, _, let map):
            "{" + map.map { "\($0.key): \($0.value)" }.sorted().joined(separator: ", ") + "}"
        case .structure(let fields): "(" + fields.map(\.description).joined(separator: ", ") + ")"
        }
    }
}
