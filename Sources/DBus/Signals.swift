/// A received signal.
public struct DBusSignal: Sendable, Hashable {
    /// The sender's unique name (`:1.7`), or `org.freedesktop.DBus` for the bus itself.
    public var sender: String
    public var path: ObjectPath
    public var interface: String
    public var member: String
    public var arguments: [DBusValue]
}

/// Which signals a subscription wants: a D-Bus match rule (`type='signal'` is implied).
///
/// `sender` may be a well-known name: the connection tracks its owner so that signals, which
/// always carry the unique name, are matched the way the bus matches them.
public struct DBusMatchRule: Hashable, Sendable {
    public var sender: String?
    public var path: ObjectPath?
    /// Matches this path and every path below it.
    public var pathNamespace: ObjectPath?
    public var interface: String?
    public var member: String?
    /// Matches signals whose first argument is this string.
    public var arg0: String?

    public init(
        sender: String? = nil, path: ObjectPath? = nil, pathNamespace: ObjectPath? = nil,
        interface: String? = nil, member: String? = nil, arg0: String? = nil
    ) {
        self.sender = sender
        self.path = path
        self.pathNamespace = pathNamespace
        self.interface = interface
        self.member = member
        self.arg0 = arg0
    }

    /// The rule as the bus's `AddMatch` takes it.
    public var text: String {
        var parts = ["type='signal'"]
        func add(_ key: String, _ value: String?) {
            guard let value else { return }
            parts.append("\(key)='\(value.replacingApostrophes())'")
        }
        add("sender", sender)
        add("path", path?.rawValue)
        add("path_namespace", pathNamespace?.rawValue)
        add("interface", interface)
        add("member", member)
        add("arg0", arg0)
        return parts.joined(separator: ",")
    }

    func validate() throws(DBusError) {
        if let sender, !Names.isBusName(sender) { throw .invalidArgs("'\(sender)' is not a valid bus name") }
        if let interface, !Names.isInterface(interface) {
            throw .invalidArgs("'\(interface)' is not a valid interface name")
        }
        if let member, !Names.isMember(member) { throw .invalidArgs("'\(member)' is not a valid member name") }
    }

    /// Whether the sender is a name whose owner must be tracked to match locally.
    var wellKnownSender: String? {
        guard let sender, !sender.hasPrefix(":"), sender != DBusConnection.busName else { return nil }
        return sender
    }

    func matchesHeader(
        sender actual: String?, senderOwner: String?, path actualPath: String?,
        interface actualInterface: String?, member actualMember: String?
    ) -> Bool {
        if let sender, actual != sender, actual == nil || actual != senderOwner { return false }
        if let path, path.rawValue != actualPath { return false }
        if let pathNamespace {
            guard let actualPath, ObjectPath(unchecked: actualPath).isDescendant(of: pathNamespace) else {
                return false
            }
        }
        if let interface, interface != actualInterface { return false }
        if let member, member != actualMember { return false }
        return true
    }
}

extension String {
    /// Match rules quote with `'`; an apostrophe inside is written `'\''`.
    fileprivate func replacingApostrophes() -> String {
        split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''")
    }
}

/// A change of owner of a bus name, from `NameOwnerChanged`. nil means no owner.
public struct DBusNameOwnerChange: Sendable, Hashable {
    public var name: String
    public var oldOwner: String?
    public var newOwner: String?
}

/// A `PropertiesChanged` signal, decoded.
public struct DBusPropertiesChange: Sendable, Hashable {
    public var sender: String
    public var path: ObjectPath
    public var interface: String
    /// New values, variants unwrapped.
    public var changed: [String: DBusValue]
    /// Properties that changed without their value being sent.
    public var invalidated: [String]
}

/// An `org.freedesktop.DBus.ObjectManager` announcement.
public enum DBusObjectManagerEvent: Sendable, Hashable {
    /// `InterfacesAdded`: the object's new interfaces with their properties.
    case added(ObjectPath, [String: [String: DBusValue]])
    /// `InterfacesRemoved`: the names of the interfaces that went away.
    case removed(ObjectPath, [String])
}

/// An asynchronous sequence of signals for one subscription.
///
/// The bus match is removed when the consuming task is cancelled or the sequence and its
/// iterator are dropped (e.g. after `break` out of `for try await`). It ends by throwing
/// `DBusError` `Disconnected` when the connection is lost.
public struct DBusSignalStream<Element: Sendable>: AsyncSequence, Sendable {
    let base: AsyncThrowingStream<DBusSignal, any Error>
    let token: SubscriptionToken
    let transform: @Sendable (DBusSignal) -> Element?

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<DBusSignal, any Error>.AsyncIterator
        let token: SubscriptionToken
        let transform: @Sendable (DBusSignal) -> Element?

        public mutating func next() async throws -> Element? {
            while let signal = try await base.next() {
                if let element = transform(signal) { return element }
            }
            return nil
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), token: token, transform: transform)
    }
}

/// Removes a subscription when the last copy of its stream or iterator goes away.
final class SubscriptionToken: Sendable {
    let id: UInt64
    let connection: DBusConnection

    init(id: UInt64, connection: DBusConnection) {
        self.id = id
        self.connection = connection
    }

    deinit { connection.unsubscribe(id) }
}
