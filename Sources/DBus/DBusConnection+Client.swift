/// Client calls: methods, properties, the bus driver (`org.freedesktop.DBus`).
extension DBusConnection {
    /// The default method call timeout, libdbus's own default.
    public static let defaultTimeout: Duration = .seconds(25)

    /// Calls a method and returns the reply's arguments.
    ///
    /// - Parameters:
    ///   - allowInteractiveAuthorization: sets the message flag that lets the callee ask polkit
    ///     for interactive authentication (a password prompt) before answering.
    /// - Throws: `DBusError` — the peer's error reply, `NoReply` after `timeout`, `Disconnected`,
    ///   or `InvalidArgs` for names or values that cannot be sent.
    public func call(
        destination: String, path: ObjectPath, interface: String, method: String,
        arguments: [DBusValue] = [], timeout: Duration = DBusConnection.defaultTimeout,
        allowInteractiveAuthorization: Bool = false
    ) async throws -> [DBusValue] {
        let message = try Message.methodCall(destination: destination, path: path, interface: interface, member: method)
        try message.append(arguments)
        if allowInteractiveAuthorization { message.allowInteractiveAuthorization = true }
        return try await sendWithReply(message, timeout: timeout).arguments()
    }

    /// Reads one property (`org.freedesktop.DBus.Properties.Get`), variant unwrapped.
    public func getProperty(
        destination: String, path: ObjectPath, interface: String, name: String,
        timeout: Duration = DBusConnection.defaultTimeout
    ) async throws -> DBusValue {
        let reply = try await call(
            destination: destination, path: path, interface: DBusConnection.propertiesInterface, method: "Get",
            arguments: [.string(interface), .string(name)], timeout: timeout)
        guard let value = reply.first, reply.count == 1 else {
            throw DBusError.invalidArgs("Get replied with signature \(reply.map(\.signature).joined())")
        }
        return value.unwrapped
    }

    /// Reads every readable property of an interface (`GetAll`), variants unwrapped.
    public func getAllProperties(
        destination: String, path: ObjectPath, interface: String,
        timeout: Duration = DBusConnection.defaultTimeout
    ) async throws -> [String: DBusValue] {
        let reply = try await call(
            destination: destination, path: path, interface: DBusConnection.propertiesInterface, method: "GetAll",
            arguments: [.string(interface)], timeout: timeout)
        guard reply.count == 1, let map = reply[0].stringDictionaryValue else {
            throw DBusError.invalidArgs("GetAll replied with signature \(reply.map(\.signature).joined())")
        }
        return map
    }

    /// Writes a property (`Set`); the value is wrapped in a variant for you.
    public func setProperty(
        destination: String, path: ObjectPath, interface: String, name: String, value: DBusValue,
        timeout: Duration = DBusConnection.defaultTimeout, allowInteractiveAuthorization: Bool = false
    ) async throws {
        _ = try await call(
            destination: destination, path: path, interface: DBusConnection.propertiesInterface, method: "Set",
            arguments: [.string(interface), .string(name), .variant(value)], timeout: timeout,
            allowInteractiveAuthorization: allowInteractiveAuthorization)
    }

    /// `org.freedesktop.DBus.ObjectManager.GetManagedObjects`: object → interface → property → value.
    public func managedObjects(
        destination: String, path: ObjectPath, timeout: Duration = DBusConnection.defaultTimeout
    ) async throws -> [ObjectPath: [String: [String: DBusValue]]] {
        let reply = try await call(
            destination: destination, path: path, interface: DBusConnection.objectManagerInterface,
            method: "GetManagedObjects", timeout: timeout)
        guard reply.count == 1, let objects = DBusConnection.decodeManagedObjects(reply[0]) else {
            throw DBusError.invalidArgs("GetManagedObjects replied with signature \(reply.map(\.signature).joined())")
        }
        return objects
    }

    /// Decodes `a{oa{sa{sv}}}`.
    static func decodeManagedObjects(_ value: DBusValue) -> [ObjectPath: [String: [String: DBusValue]]]? {
        guard case .dictionary(.objectPath, _, let map) = value else { return nil }
        var out: [ObjectPath: [String: [String: DBusValue]]] = [:]
        for (key, interfaces) in map {
            guard case .objectPath(let path) = key, let interfaces = decodeInterfaces(interfaces) else { return nil }
            out[path] = interfaces
        }
        return out
    }

    /// Decodes `a{sa{sv}}`.
    static func decodeInterfaces(_ value: DBusValue) -> [String: [String: DBusValue]]? {
        guard case .dictionary(.string, _, let map) = value else { return nil }
        var out: [String: [String: DBusValue]] = [:]
        for (key, properties) in map {
            guard case .string(let name) = key, let properties = properties.stringDictionaryValue else { return nil }
            out[name] = properties
        }
        return out
    }

    // MARK: The bus driver

    static let busName = "org.freedesktop.DBus"
    static let busPath = ObjectPath(unchecked: "/org/freedesktop/DBus")
    static let propertiesInterface = "org.freedesktop.DBus.Properties"
    static let objectManagerInterface = "org.freedesktop.DBus.ObjectManager"
    static let introspectableInterface = "org.freedesktop.DBus.Introspectable"
    static let peerInterface = "org.freedesktop.DBus.Peer"

    /// Error name thrown by `requestName` when another connection owns the name.
    public static let nameTakenError = "org.keepalive.DBus.Error.NameTaken"

    func callBus(_ method: String, _ arguments: [DBusValue]) async throws -> [DBusValue] {
        try await call(
            destination: DBusConnection.busName, path: DBusConnection.busPath, interface: DBusConnection.busName,
            method: method, arguments: arguments)
    }

    /// Becomes the primary owner of a well-known name, without queueing behind another owner.
    ///
    /// - Throws: `DBusError` named `nameTakenError` when another connection owns it (the message
    ///   names the owner), or the bus's error (e.g. `AccessDenied` from the bus policy).
    public func requestName(_ name: String) async throws {
        guard Names.isBusName(name), !name.hasPrefix(":") else {
            throw DBusError.invalidArgs("'\(name)' is not a valid well-known bus name")
        }
        let doNotQueue: UInt32 = 4
        let reply = try await callBus("RequestName", [.string(name), .uint32(doNotQueue)])
        switch reply.first?.uint32Value {
        case 1, 4:  // primary owner, or already the owner
            return
        default:
            let owner = (try? await nameOwner(of: name)) ?? nil
            throw DBusError(
                name: DBusConnection.nameTakenError,
                message: "bus name \(name) is already owned by \(owner ?? "another connection")")
        }
    }

    /// Gives up a well-known name.
    public func releaseName(_ name: String) async throws {
        _ = try await callBus("ReleaseName", [.string(name)])
    }

    /// The unique name owning `name`, or nil when nobody does.
    public func nameOwner(of name: String) async throws -> String? {
        do {
            return try await callBus("GetNameOwner", [.string(name)]).first?.stringValue
        } catch let error as DBusError where error.name == DBusError.nameHasNoOwner {
            return nil
        }
    }

    /// The Unix user id of the process behind a bus name (`GetConnectionUnixUser`).
    public func unixUser(of busName: String) async throws -> UInt32 {
        guard let uid = try await callBus("GetConnectionUnixUser", [.string(busName)]).first?.uint32Value else {
            throw DBusError.failed("GetConnectionUnixUser gave no uid for \(busName)")
        }
        return uid
    }
}
