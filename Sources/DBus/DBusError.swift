/// A D-Bus error: a reply from a peer, a failure of this connection, or an error a method
/// handler throws to make the server answer with an error reply.
///
/// It is a struct rather than an enum because D-Bus error names are an open set; the common
/// names are constants below so callers can match with `error.name == DBusError.accessDenied`.
public struct DBusError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The D-Bus error name, e.g. `org.freedesktop.DBus.Error.AccessDenied`.
    public var name: String
    /// Human-readable text sent with the error.
    public var message: String

    public init(name: String, message: String) {
        self.name = name
        self.message = message
    }

    public var description: String { "\(name): \(message)" }

    // Well-known error names from the D-Bus specification.
    public static let failed = "org.freedesktop.DBus.Error.Failed"
    public static let noMemory = "org.freedesktop.DBus.Error.NoMemory"
    public static let serviceUnknown = "org.freedesktop.DBus.Error.ServiceUnknown"
    public static let nameHasNoOwner = "org.freedesktop.DBus.Error.NameHasNoOwner"
    public static let noReply = "org.freedesktop.DBus.Error.NoReply"
    public static let timeout = "org.freedesktop.DBus.Error.Timeout"
    public static let disconnected = "org.freedesktop.DBus.Error.Disconnected"
    public static let invalidArgs = "org.freedesktop.DBus.Error.InvalidArgs"
    public static let invalidSignature = "org.freedesktop.DBus.Error.InvalidSignature"
    public static let unknownMethod = "org.freedesktop.DBus.Error.UnknownMethod"
    public static let unknownObject = "org.freedesktop.DBus.Error.UnknownObject"
    public static let unknownInterface = "org.freedesktop.DBus.Error.UnknownInterface"
    public static let unknownProperty = "org.freedesktop.DBus.Error.UnknownProperty"
    public static let propertyReadOnly = "org.freedesktop.DBus.Error.PropertyReadOnly"
    public static let accessDenied = "org.freedesktop.DBus.Error.AccessDenied"
    public static let notSupported = "org.freedesktop.DBus.Error.NotSupported"
    public static let addressInUse = "org.freedesktop.DBus.Error.AddressInUse"

    public static func failed(_ message: String) -> DBusError { DBusError(name: failed, message: message) }
    public static func invalidArgs(_ message: String) -> DBusError {
        DBusError(name: invalidArgs, message: message)
    }
    public static func invalidSignature(_ message: String) -> DBusError {
        DBusError(name: invalidSignature, message: message)
    }
    public static func accessDenied(_ message: String) -> DBusError {
        DBusError(name: accessDenied, message: message)
    }
    public static func unknownMethod(_ message: String) -> DBusError {
        DBusError(name: unknownMethod, message: message)
    }
    public static func unknownObject(_ message: String) -> DBusError {
        DBusError(name: unknownObject, message: message)
    }
    public static func unknownInterface(_ message: String) -> DBusError {
        DBusError(name: unknownInterface, message: message)
    }
    public static func unknownProperty(_ message: String) -> DBusError {
        DBusError(name: unknownProperty, message: message)
    }
    public static func propertyReadOnly(_ message: String) -> DBusError {
        DBusError(name: propertyReadOnly, message: message)
    }
    public static func disconnected(_ message: String) -> DBusError {
        DBusError(name: disconnected, message: message)
    }
}
