import CDBus

/// A message decoded from its wire bytes, as a daemon would receive it: header fields and the
/// arguments in our `DBusValue` form. The fuzz targets and the D-Bus benchmark reach the
/// decoder through this; daemons get messages from their connection instead.
public struct DBusWireMessage: Sendable, Hashable {
    public var path: String?
    public var interface: String?
    public var member: String?
    public var signature: String
    public var arguments: [DBusValue]

    /// Decodes `bytes` (one whole message, header and body) with libdbus's validating
    /// demarshaller; anything libdbus rejects is an `invalidArgs` error, never a crash.
    public init(decoding bytes: [UInt8]) throws(DBusError) {
        var error = CDBus.DBusError()
        dbus_error_init(&error)
        defer { dbus_error_free(&error) }
        let raw: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                dbus_message_demarshal(chars.baseAddress, Int32(clamping: chars.count), &error)
            }
        }
        guard let raw else {
            let reason = DBusError(cError: error, fallback: "rejected by libdbus").message
            throw .invalidArgs("not a D-Bus message: \(reason)")
        }
        let message = Message(owning: raw)
        path = message.path
        interface = message.interface
        member = message.member
        signature = message.signature
        arguments = message.arguments()
    }

    /// Encodes a method call with `arguments` to its wire bytes: seeds for the fuzz corpus.
    public static func methodCallBytes(
        path: ObjectPath, interface: String?, member: String, arguments: [DBusValue]
    ) throws(DBusError) -> [UInt8] {
        let message = try Message.methodCall(destination: nil, path: path, interface: interface, member: member)
        try message.append(arguments)
        // A message on the wire always has a serial; libdbus refuses to demarshal serial 0.
        dbus_message_set_serial(message.raw, 1)
        var buffer: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        guard dbus_message_marshal(message.raw, &buffer, &length) != 0, let buffer else {
            throw DBusError(name: DBusError.noMemory, message: "out of memory")
        }
        defer { dbus_free(buffer) }
        return buffer.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
            Array(UnsafeBufferPointer(start: $0, count: Int(length)))
        }
    }
}
