import CDBus

/// Type codes as libdbus wants them (`int`); the C macros are casts Swift cannot import.
enum TypeCode {
    static func of(_ type: DBusType) -> Int32 {
        switch type {
        case .array, .dictionary: cdbus_type_array()
        case .structure: cdbus_type_struct()
        case .variant: cdbus_type_variant()
        default: Int32(type.signature.utf8.first!)
        }
    }
}

/// Writes `DBusValue`s into a message through `DBusMessageIter` (the variadic
/// `dbus_message_append_args` is not importable).
enum MessageEncoder {
    static func append(_ value: DBusValue, to iter: inout DBusMessageIter) throws(DBusError) {
        let ok: Bool
        switch value {
        case .byte(var v): ok = dbus_message_iter_append_basic(&iter, TypeCode.of(.byte), &v) != 0
        case .boolean(let b):
            var v: dbus_bool_t = b ? 1 : 0
            ok = dbus_message_iter_append_basic(&iter, TypeCode.of(.boolean), &v) != 0
        case .int16(var v): ok = dbus_message_iter_append_basic(&iter, TypeCode.of(.int16), &v) != 0
        case .uint16(var v): ok = dbus_message_iter_append_basic(&iter, TypeCode.of(.uint16), &v) != 0
        case .int32(var v): ok = dbus_message_iter_append_basic(&iter, TypeCode.of(.int32), &v) != 0
        case .uint32(var v): ok = dbus_message_iter_append_basic(&iter, TypeCode.of(.uint32), &v) != 0
        case .int64(var v): ok = dbus_message_iter_append_basic(&iter, TypeCode.of(.int64), &v) != 0
        case .uint64(var v): ok = dbus_message_iter_append_basic(&iter, TypeCode.of(.uint64), &v) != 0
        case .double(var v): ok = dbus_message_iter_append_basic(&iter, TypeCode.of(.double), &v) != 0
        case .unixFD(var v):
            guard v >= 0 else { throw .invalidArgs("invalid file descriptor \(v)") }
            ok = dbus_message_iter_append_basic(&iter, TypeCode.of(.unixFD), &v) != 0
        case .string(let s):
            guard !s.utf8.contains(0) else { throw .invalidArgs("string contains a NUL byte") }
            ok = appendString(s, type: .string, to: &iter)
        case .objectPath(let p): ok = appendString(p.rawValue, type: .objectPath, to: &iter)
        case .signature(let g):
            guard dbus_signature_validate(g.rawValue, nil) != 0 else {
                throw .invalidSignature("'\(g.rawValue)' is not a valid signature")
            }
            ok = appendString(g.rawValue, type: .signature, to: &iter)
        case .variant(let inner):
            guard dbus_signature_validate_single(inner.signature, nil) != 0 else {
                throw .invalidSignature("'\(inner.signature)' is not a valid D-Bus type")
            }
            ok = try container(.variant, inner.signature, &iter) { (sub: inout DBusMessageIter) throws(DBusError) in
                try append(inner, to: &sub)
            }
        case .array(let element, let values):
            ok = try container(.array(element), element.signature, &iter) {
                (sub: inout DBusMessageIter) throws(DBusError) in
                for value in values { try append(value, to: &sub) }
            }
        case .dictionary(let key, let valueType, let map):
            let entrySignature = "{" + key.signature + valueType.signature + "}"
            ok = try container(.dictionary(key: key, value: valueType), entrySignature, &iter) {
                (sub: inout DBusMessageIter) throws(DBusError) in
                for (k, v) in map {
                    var entry = DBusMessageIter()
                    guard dbus_message_iter_open_container(&sub, cdbus_type_dict_entry(), nil, &entry) != 0 else {
                        throw .init(name: DBusError.noMemory, message: "out of memory")
                    }
                    do throws(DBusError) {
                        try append(k, to: &entry)
                        try append(v, to: &entry)
                    } catch {
                        dbus_message_iter_abandon_container(&sub, &entry)
                        throw error
                    }
                    guard dbus_message_iter_close_container(&sub, &entry) != 0 else {
                        throw .init(name: DBusError.noMemory, message: "out of memory")
                    }
                }
            }
        case .structure(let fields):
            ok = try container(value.type, nil, &iter) { (sub: inout DBusMessageIter) throws(DBusError) in
                for field in fields { try append(field, to: &sub) }
            }
        }
        guard ok else { throw .init(name: DBusError.noMemory, message: "could not append \(value.signature)") }
    }

    private static func appendString(_ s: String, type: DBusType, to iter: inout DBusMessageIter) -> Bool {
        s.withCString { pointer in
            var p: UnsafePointer<CChar>? = pointer
            return dbus_message_iter_append_basic(&iter, TypeCode.of(type), &p) != 0
        }
    }

    private static func container(
        _ type: DBusType, _ contained: String?, _ iter: inout DBusMessageIter,
        _ body: (inout DBusMessageIter) throws(DBusError) -> Void
    ) throws(DBusError) -> Bool {
        var sub = DBusMessageIter()
        guard dbus_message_iter_open_container(&iter, TypeCode.of(type), contained, &sub) != 0 else { return false }
        do throws(DBusError) {
            try body(&sub)
        } catch {
            dbus_message_iter_abandon_container(&iter, &sub)
            throw error
        }
        return dbus_message_iter_close_container(&iter, &sub) != 0
    }
}

/// Reads a message body into `DBusValue`s. libdbus has validated incoming messages, so a type
/// the reader meets is always well formed.
enum MessageDecoder {
    static func readAll(_ iter: inout DBusMessageIter) -> [DBusValue] {
        var values: [DBusValue] = []
        while dbus_message_iter_get_arg_type(&iter) != cdbus_type_invalid() {
            if let value = read(&iter) { values.append(value) }
            dbus_message_iter_next(&iter)
        }
        return values
    }

    private static func currentType(_ iter: inout DBusMessageIter) -> DBusType? {
        guard let raw = dbus_message_iter_get_signature(&iter) else { return nil }
        defer { dbus_free(raw) }
        return try? DBusType.parse(String(cString: raw))
    }

    private static func basic<T: BitwiseCopyable>(_ iter: inout DBusMessageIter, _ initial: T) -> T {
        var value = initial
        dbus_message_iter_get_basic(&iter, &value)
        return value
    }

    private static func string(_ iter: inout DBusMessageIter) -> String {
        var pointer: UnsafePointer<CChar>? = nil
        dbus_message_iter_get_basic(&iter, &pointer)
        return pointer.map { String(cString: $0) } ?? ""
    }

    static func read(_ iter: inout DBusMessageIter) -> DBusValue? {
        let code = dbus_message_iter_get_arg_type(&iter)
        switch UInt8(truncatingIfNeeded: code) {
        case UInt8(ascii: "y"): return .byte(basic(&iter, UInt8(0)))
        case UInt8(ascii: "b"): return .boolean(basic(&iter, dbus_bool_t(0)) != 0)
        case UInt8(ascii: "n"): return .int16(basic(&iter, Int16(0)))
        case UInt8(ascii: "q"): return .uint16(basic(&iter, UInt16(0)))
        case UInt8(ascii: "i"): return .int32(basic(&iter, Int32(0)))
        case UInt8(ascii: "u"): return .uint32(basic(&iter, UInt32(0)))
        case UInt8(ascii: "x"): return .int64(basic(&iter, Int64(0)))
        case UInt8(ascii: "t"): return .uint64(basic(&iter, UInt64(0)))
        case UInt8(ascii: "d"): return .double(basic(&iter, Double(0)))
        case UInt8(ascii: "h"): return .unixFD(basic(&iter, Int32(-1)))
        case UInt8(ascii: "s"): return .string(string(&iter))
        case UInt8(ascii: "o"): return .objectPath(ObjectPath(unchecked: string(&iter)))
        case UInt8(ascii: "g"):
            let text = string(&iter)
            return (try? Signature(text)).map { .signature($0) }
        case UInt8(ascii: "v"):
            var sub = DBusMessageIter()
            dbus_message_iter_recurse(&iter, &sub)
            return read(&sub).map { .variant($0) }
        case UInt8(ascii: "r"):
            var sub = DBusMessageIter()
            dbus_message_iter_recurse(&iter, &sub)
            return .structure(readAll(&sub))
        case UInt8(ascii: "a"):
            guard let type = currentType(&iter) else { return nil }
            var sub = DBusMessageIter()
            dbus_message_iter_recurse(&iter, &sub)
            switch type {
            case .dictionary(let key, let value):
                var map: [DBusValue: DBusValue] = [:]
                while dbus_message_iter_get_arg_type(&sub) != cdbus_type_invalid() {
                    var entry = DBusMessageIter()
                    dbus_message_iter_recurse(&sub, &entry)
                    let pair = readAll(&entry)
                    if pair.count == 2 { map[pair[0]] = pair[1] }
                    dbus_message_iter_next(&sub)
                }
                return .dictionary(key: key, value: value, map)
            case .array(let element):
                return .array(element: element, readAll(&sub))
            default:
                return nil
            }
        default:
            return nil
        }
    }
}
