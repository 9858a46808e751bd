/// A D-Bus type: the parsed form of one complete type in a signature.
///
/// Arrays of dict entries are modelled as `.dictionary` because that is how every D-Bus API
/// uses them (`a{sv}`, `a{oa{sa{sv}}}`); a dict entry never appears on its own.
public indirect enum DBusType: Hashable, Sendable, CustomStringConvertible {
    case byte
    case boolean
    case int16
    case uint16
    case int32
    case uint32
    case int64
    case uint64
    case double
    case string
    case objectPath
    case signature
    case unixFD
    case variant
    case array(DBusType)
    case dictionary(key: DBusType, value: DBusType)
    case structure([DBusType])

    /// The D-Bus signature of this single complete type, e.g. `a{sv}`.
    public var signature: String {
        switch self {
        case .byte: "y"
        case .boolean: "b"
        case .int16: "n"
        case .uint16: "q"
        case .int32: "i"
        case .uint32: "u"
        case .int64: "x"
        case .uint64: "t"
        case .double: "d"
        case .string: "s"
        case .objectPath: "o"
        case .signature: "g"
        case .unixFD: "h"
        case .variant: "v"
        case .array(let element): "a" + element.signature
        case .dictionary(let key, let value): "a{" + key.signature + value.signature + "}"
        case .structure(let fields): "(" + fields.map(\.signature).joined() + ")"
        }
    }

    public var description: String { signature }

    /// Whether the type is basic (the only kind allowed as a dictionary key).
    public var isBasic: Bool {
        switch self {
        case .variant, .array, .dictionary, .structure: false
        default: true
        }
    }

    /// Parses a signature made of any number of complete types (a message body signature).
    ///
    /// - Throws: `DBusError.invalidSignature` for anything the D-Bus specification rejects.
    public static func parseSignature(_ signature: String) throws(DBusError) -> [DBusType] {
        var parser = SignatureParser(signature)
        var types: [DBusType] = []
        while !parser.atEnd {
            types.append(try parser.completeType(depth: 0))
        }
        return types
    }

    /// Parses a signature that must hold exactly one complete type (a property or variant type).
    public static func parse(_ signature: String) throws(DBusError) -> DBusType {
        let types = try parseSignature(signature)
        guard types.count == 1 else {
            throw .invalidSignature("expected one complete type, got '\(signature)'")
        }
        return types[0]
    }
}

extension [DBusType] {
    /// The concatenated signature of a list of types (a message body signature).
    public var signature: String { map(\.signature).joined() }
}

/// A recursive-descent reader of D-Bus signatures with the specification's limits.
struct SignatureParser {
    private let bytes: [UInt8]
    private var index = 0
    private let text: String

    init(_ signature: String) {
        text = signature
        bytes = Array(signature.utf8)
    }

    var atEnd: Bool { index >= bytes.count }

    mutating func completeType(depth: Int) throws(DBusError) -> DBusType {
        guard bytes.count <= 255 else { throw .invalidSignature("signature longer than 255 bytes") }
        guard depth < 64 else { throw .invalidSignature("'\(text)' nests too deeply") }
        guard index < bytes.count else { throw .invalidSignature("'\(text)' ends inside a type") }
        let code = bytes[index]
        index += 1
        switch code {
        case UInt8(ascii: "y"): return .byte
        case UInt8(ascii: "b"): return .boolean
        case UInt8(ascii: "n"): return .int16
        case UInt8(ascii: "q"): return .uint16
        case UInt8(ascii: "i"): return .int32
        case UInt8(ascii: "u"): return .uint32
        case UInt8(ascii: "x"): return .int64
        case UInt8(ascii: "t"): return .uint64
        case UInt8(ascii: "d"): return .double
        case UInt8(ascii: "s"): return .string
        case UInt8(ascii: "o"): return .objectPath
        case UInt8(ascii: "g"): return .signature
        case UInt8(ascii: "h"): return .unixFD
        case UInt8(ascii: "v"): return .variant
        case UInt8(ascii: "a"):
            if index < bytes.count, bytes[index] == UInt8(ascii: "{") {
                index += 1
                let key = try completeType(depth: depth + 1)
                guard key.isBasic else { throw .invalidSignature("'\(text)': dict key must be a basic type") }
                let value = try completeType(depth: depth + 1)
                guard index < bytes.count, bytes[index] == UInt8(ascii: "}") else {
                    throw .invalidSignature("'\(text)': dict entry must hold exactly two types")
                }
                index += 1
                return .dictionary(key: key, value: value)
            }
            return .array(try completeType(depth: depth + 1))
        case UInt8(ascii: "("):
            var fields: [DBusType] = []
            while index < bytes.count, bytes[index] != UInt8(ascii: ")") {
                fields.append(try completeType(depth: depth + 1))
            }
            guard index < bytes.count else { throw .invalidSignature("'\(text)': unterminated struct") }
            index += 1
            guard !fields.isEmpty else { throw .invalidSignature("'\(text)': empty struct") }
            return .structure(fields)
        default:
            throw .invalidSignature("'\(text)': unexpected '\(Character(Unicode.Scalar(code)))'")
        }
    }
}
