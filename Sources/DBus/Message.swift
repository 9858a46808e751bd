import CDBus

/// An owned reference to a libdbus message.
///
/// `@unchecked Sendable`: libdbus message refcounting is atomic, and a message is only read or
/// changed on the connection queue after it has been built, so handing the reference between
/// tasks is safe.
final class Message: @unchecked Sendable {
    let raw: OpaquePointer

    /// Takes over one reference the caller already holds.
    init(owning raw: OpaquePointer) { self.raw = raw }

    /// Adds a reference of its own.
    init(retaining raw: OpaquePointer) {
        self.raw = dbus_message_ref(raw)
    }

    deinit { dbus_message_unref(raw) }

    static func methodCall(
        destination: String?, path: ObjectPath, interface: String?, member: String
    ) throws(DBusError) -> Message {
        if let destination, dbus_validate_bus_name(destination, nil) == 0 {
            throw .invalidArgs("'\(destination)' is not a valid bus name")
        }
        if let interface, dbus_validate_interface(interface, nil) == 0 {
            throw .invalidArgs("'\(interface)' is not a valid interface name")
        }
        guard dbus_validate_member(member, nil) != 0 else {
            throw .invalidArgs("'\(member)' is not a valid member name")
        }
        try refuseLocal(path: path, interface: interface)
        guard let raw = dbus_message_new_method_call(destination, path.rawValue, interface, member) else {
            throw DBusError(name: DBusError.noMemory, message: "out of memory")
        }
        return Message(owning: raw)
    }

    static func signal(path: ObjectPath, interface: String, member: String) throws(DBusError) -> Message {
        guard dbus_validate_interface(interface, nil) != 0, dbus_validate_member(member, nil) != 0 else {
            throw .invalidArgs("'\(interface).\(member)' is not a valid signal name")
        }
        try refuseLocal(path: path, interface: interface)
        guard let raw = dbus_message_new_signal(path.rawValue, interface, member) else {
            throw DBusError(name: DBusError.noMemory, message: "out of memory")
        }
        return Message(owning: raw)
    }

    /// The local interface and path are reserved to libdbus, which aborts when they are sent.
    private static func refuseLocal(path: ObjectPath, interface: String?) throws(DBusError) {
        guard path.rawValue != "/org/freedesktop/DBus/Local", interface != "org.freedesktop.DBus.Local" else {
            throw .invalidArgs("org.freedesktop.DBus.Local is reserved for libdbus")
        }
    }

    func methodReturn() -> Message? {
        dbus_message_new_method_return(raw).map { Message(owning: $0) }
    }

    /// An error reply; an invalid error name falls back to `Failed` so a handler's typo still
    /// produces an answer.
    func errorReply(_ error: DBusError) -> Message? {
        let name = dbus_validate_error_name(error.name, nil) != 0 ? error.name : DBusError.failed
        return dbus_message_new_error(raw, name, error.message).map { Message(owning: $0) }
    }

    var type: Int32 { dbus_message_get_type(raw) }
    var isMethodCall: Bool { type == DBUS_MESSAGE_TYPE_METHOD_CALL }
    var isSignal: Bool { type == DBUS_MESSAGE_TYPE_SIGNAL }
    var isError: Bool { type == DBUS_MESSAGE_TYPE_ERROR }
    var sender: String? { dbus_message_get_sender(raw).map { String(cString: $0) } }
    var destination: String? { dbus_message_get_destination(raw).map { String(cString: $0) } }
    var path: String? { dbus_message_get_path(raw).map { String(cString: $0) } }
    var interface: String? { dbus_message_get_interface(raw).map { String(cString: $0) } }
    var member: String? { dbus_message_get_member(raw).map { String(cString: $0) } }
    var errorName: String? { dbus_message_get_error_name(raw).map { String(cString: $0) } }
    var signature: String { dbus_message_get_signature(raw).map { String(cString: $0) } ?? "" }
    var noReplyExpected: Bool {
        get { dbus_message_get_no_reply(raw) != 0 }
        set { dbus_message_set_no_reply(raw, newValue ? 1 : 0) }
    }
    var allowInteractiveAuthorization: Bool {
        get { dbus_message_get_allow_interactive_authorization(raw) != 0 }
        set { dbus_message_set_allow_interactive_authorization(raw, newValue ? 1 : 0) }
    }

    /// Appends values as the message body (after anything already there).
    func append(_ values: [DBusValue]) throws(DBusError) {
        var iter = DBusMessageIter()
        dbus_message_iter_init_append(raw, &iter)
        for value in values {
            // libdbus aborts the process on an invalid signature, so check before it sees one.
            guard dbus_signature_validate_single(value.signature, nil) != 0 else {
                throw .invalidSignature("'\(value.signature)' is not a valid D-Bus type")
            }
            guard value.conforms(to: value.type) else {
                throw .invalidArgs("value \(value) does not match its declared element types")
            }
            try MessageEncoder.append(value, to: &iter)
        }
    }

    /// Decodes the whole body.
    func arguments() -> [DBusValue] {
        var iter = DBusMessageIter()
        guard dbus_message_iter_init(raw, &iter) != 0 else { return [] }
        return MessageDecoder.readAll(&iter)
    }

    /// The error an error reply carries, with its first string argument as the message.
    func asError() -> DBusError {
        let text = arguments().first?.stringValue ?? ""
        return DBusError(name: errorName ?? DBusError.failed, message: text)
    }
}
