/// Who made an incoming call.
public struct DBusCaller: Sendable, Hashable {
    /// The caller's unique bus name (`:1.42`).
    public var sender: String
    /// Whether the call carried ALLOW_INTERACTIVE_AUTHORIZATION: polkit may prompt the user.
    public var allowInteractiveAuthorization: Bool

    public init(sender: String, allowInteractiveAuthorization: Bool) {
        self.sender = sender
        self.allowInteractiveAuthorization = allowInteractiveAuthorization
    }
}

/// An incoming method call whose arguments already match the method's XML signature.
public struct DBusMethodCall: Sendable {
    public var path: ObjectPath
    public var interface: String
    public var method: String
    public var arguments: [DBusValue]
    public var caller: DBusCaller
}

/// Handles a method call; returns the reply arguments (checked against the XML out signature)
/// or throws a `DBusError` that becomes the error reply. Any other error becomes `Failed`.
public typealias DBusMethodHandler = @Sendable (DBusMethodCall) async throws -> [DBusValue]

/// Decides a `Properties.Set` on a readwrite property. Return normally to accept: the value is
/// then stored and announced with `PropertiesChanged`. Throw a `DBusError` to refuse.
public typealias DBusPropertySetHandler = @Sendable (_ newValue: DBusValue, _ caller: DBusCaller) async throws -> Void

/// An object to export: its path, its interfaces (from introspection XML), handlers and the
/// initial property values. Build it, then pass it to `DBusConnection.export(_:)`.
///
/// Properties start at their type's zero value (`""`, `0`, `false`, empty containers) so a
/// `Get` always has an answer.
public struct DBusObject: Sendable {
    public let path: ObjectPath
    /// The XML text `Introspect` serves (child nodes are added as objects appear below).
    public let introspectionXML: String
    public let introspection: DBusIntrospection
    var methodHandlers: [String: [String: DBusMethodHandler]] = [:]
    var setHandlers: [String: [String: DBusPropertySetHandler]] = [:]
    var values: [String: [String: DBusValue]] = [:]

    /// Every property's current value: interface → name → value.
    public var propertyValues: [String: [String: DBusValue]] { values }

    /// - Throws: `DBusError.invalidArgs` when the XML does not parse or declares nothing usable.
    public init(path: ObjectPath, introspectionXML: String) throws {
        self.path = path
        self.introspectionXML = introspectionXML
        introspection = try DBusIntrospection.parse(introspectionXML)
        for interface in introspection.interfaces {
            var initial: [String: DBusValue] = [:]
            for property in interface.properties.values { initial[property.name] = .zero(of: property.type) }
            values[interface.name] = initial
        }
    }

    /// Installs the handler of a method declared in the XML.
    public mutating func onMethod(
        _ interface: String, _ method: String, _ handler: @escaping DBusMethodHandler
    ) throws {
        guard introspection.interface(interface)?.methods[method] != nil else {
            throw DBusError.unknownMethod("\(interface).\(method) is not declared for \(path)")
        }
        methodHandlers[interface, default: [:]][method] = handler
    }

    /// Installs the handler deciding `Set` of a readwrite property declared in the XML.
    public mutating func onSet(
        _ interface: String, _ property: String, _ handler: @escaping DBusPropertySetHandler
    ) throws {
        let declared = try Self.property(introspection, interface, property)
        guard declared.access.isWritable else {
            throw DBusError.propertyReadOnly("\(interface).\(property) is read-only")
        }
        setHandlers[interface, default: [:]][property] = handler
    }

    /// Sets a property's value before export (no signal).
    public mutating func setProperty(_ interface: String, _ name: String, _ value: DBusValue) throws {
        let declared = try Self.property(introspection, interface, name)
        guard value.conforms(to: declared.type) else {
            throw DBusError.invalidArgs("\(interface).\(name) has type \(declared.type), not \(value.signature)")
        }
        values[interface, default: [:]][name] = value
    }

    static func property(
        _ introspection: DBusIntrospection, _ interface: String, _ name: String
    ) throws(DBusError) -> DBusPropertyDescription {
        guard let description = introspection.interface(interface) else {
            throw .unknownInterface("interface \(interface) is not declared")
        }
        guard let property = description.properties[name] else {
            throw .unknownProperty("property \(interface).\(name) is not declared")
        }
        return property
    }
}

/// An exported object: the owning code's handle to update properties, emit signals and unexport.
public final class DBusExportedObject: Sendable {
    public let path: ObjectPath
    public let introspection: DBusIntrospection
    let connection: DBusConnection

    init(path: ObjectPath, introspection: DBusIntrospection, connection: DBusConnection) {
        self.path = path
        self.introspection = introspection
        self.connection = connection
    }

    /// Changes several properties of one interface at once; those whose value really changed are
    /// announced in a single `PropertiesChanged` (names only for `invalidates` properties,
    /// nothing for `const`/`false` ones).
    ///
    /// - Throws: `DBusError` for an undeclared property or a value of the wrong type; nothing is
    ///   changed then.
    public func updateProperties(_ interface: String, _ changes: [String: DBusValue]) throws {
        for (name, value) in changes {
            let declared = try DBusObject.property(introspection, interface, name)
            guard value.conforms(to: declared.type) else {
                throw DBusError.invalidArgs("\(interface).\(name) has type \(declared.type), not \(value.signature)")
            }
        }
        let path = self.path
        connection.queue.async { [connection] in
            connection.applyPropertyChanges(path: path, interface: interface, changes: changes)
        }
    }

    /// Changes one property; see `updateProperties(_:_:)`.
    public func updateProperty(_ interface: String, _ name: String, _ value: DBusValue) throws {
        try updateProperties(interface, [name: value])
    }

    /// Emits a signal declared in the XML from this object.
    ///
    /// - Throws: `DBusError` when the signal is not declared or the arguments do not match it.
    public func emitSignal(_ interface: String, _ name: String, _ arguments: [DBusValue] = []) throws {
        guard let signal = introspection.interface(interface)?.signals[name] else {
            throw DBusError.unknownMethod("signal \(interface).\(name) is not declared for \(path)")
        }
        let types = signal.arguments.map(\.type)
        guard types.count == arguments.count, zip(arguments, types).allSatisfy({ $0.conforms(to: $1) }) else {
            throw DBusError.invalidArgs(
                "signal \(interface).\(name) takes (\(signal.signature)), not (\(arguments.map(\.signature).joined()))")
        }
        let message = try Message.signal(path: path, interface: interface, member: name)
        try message.append(arguments)
        connection.send(message)
    }

    /// The value a property holds now (nil when undeclared or after `unexport()`).
    public func propertyValue(_ interface: String, _ name: String) async -> DBusValue? {
        let path = self.path
        return await connection.onQueue { [connection] in
            connection.objects[path]?.object.values[interface]?[name]
        }
    }

    /// Removes the object from the bus (announced with `InterfacesRemoved`).
    public func unexport() async {
        let path = self.path
        await connection.onQueue { [connection] in connection.removeObject(path) }
    }
}

/// What the connection keeps for one exported object. Queue-confined.
struct ExportedObjectState {
    var object: DBusObject
}

extension DBusConnection {
    /// Exports an object. Calls to it are served until `unexport()` or the connection closes; if
    /// an object manager is registered above it, `InterfacesAdded` announces it.
    ///
    /// - Throws: `DBusError.invalidArgs` when another object is already exported at the path.
    public func export(_ object: DBusObject) async throws -> DBusExportedObject {
        let added: Bool = await onQueue {
            guard self.objects[object.path] == nil else { return false }
            self.objects[object.path] = ExportedObjectState(object: object)
            self.announceAdded(object)
            return true
        }
        guard added else { throw DBusError.invalidArgs("an object is already exported at \(object.path)") }
        return DBusExportedObject(path: object.path, introspection: object.introspection, connection: self)
    }

    /// Serves `org.freedesktop.DBus.ObjectManager` at `path` for every object exported below it.
    public func addObjectManager(at path: ObjectPath) async {
        await onQueue { _ = self.objectManagers.insert(path) }
    }
}
