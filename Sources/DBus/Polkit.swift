/// Asks polkit (`org.freedesktop.PolicyKit1.Authority`) whether a bus caller may perform an
/// action, the way systemd's daemons do: the subject is the caller's bus name, and polkit may
/// prompt the user when the call allowed interactive authorization.
public struct PolkitAuthority: Sendable {
    /// polkit's answer.
    public enum Result: Sendable, Hashable {
        /// The caller is authorized.
        case allowed
        /// Not authorized now, but would be after authentication (polkit's `is_challenge`).
        case challenge
        /// Not authorized.
        case denied
    }

    let connection: DBusConnection
    /// How long an interactive check may wait for the user at a password prompt.
    public var interactiveTimeout: Duration

    public init(connection: DBusConnection, interactiveTimeout: Duration = .seconds(300)) {
        self.connection = connection
        self.interactiveTimeout = interactiveTimeout
    }

    static let busName = "org.freedesktop.PolicyKit1"
    static let path = ObjectPath(unchecked: "/org/freedesktop/PolicyKit1/Authority")
    static let interface = "org.freedesktop.PolicyKit1.Authority"

    /// Calls `CheckAuthorization` for `caller` and `action`, with flag AllowUserInteraction when
    /// the caller's message carried ALLOW_INTERACTIVE_AUTHORIZATION.
    ///
    /// - Throws: `DBusError` when polkit cannot be asked or answers with an error.
    public func checkAuthorization(caller: DBusCaller, action: String) async throws -> Result {
        let subject: DBusValue = .structure([
            .string("system-bus-name"), .dictionary(["name": .string(caller.sender)]),
        ])
        let details = DBusValue.dictionary(key: .string, value: .string, [:])
        let flags: UInt32 = caller.allowInteractiveAuthorization ? 1 : 0
        let reply = try await connection.call(
            destination: Self.busName, path: Self.path, interface: Self.interface, method: "CheckAuthorization",
            arguments: [subject, .string(action), details, .uint32(flags), .string("")],
            timeout: caller.allowInteractiveAuthorization ? interactiveTimeout : DBusConnection.defaultTimeout)
        guard let result = reply.first?.structureValue, result.count == 3,
            let authorized = result[0].boolValue, let challenge = result[1].boolValue
        else {
            throw DBusError.failed("CheckAuthorization answered (\(reply.map(\.signature).joined()))")
        }
        if authorized { return .allowed }
        return challenge ? .challenge : .denied
    }

    /// Lets the call go on when `caller` may perform `action`; throws `AccessDenied` otherwise.
    ///
    /// Callers running as uid 0 are allowed without asking polkit. When polkit is not on the bus
    /// the answer is "denied", not an error, so a missing polkit never opens access.
    public func authorize(_ caller: DBusCaller, action: String) async throws {
        if try await connection.unixUser(of: caller.sender) == 0 { return }
        let result: Result
        do {
            result = try await checkAuthorization(caller: caller, action: action)
        } catch let error as DBusError
            where error.name == DBusError.serviceUnknown || error.name == DBusError.nameHasNoOwner
        {
            throw DBusError.accessDenied("polkit is not available to authorize \(action)")
        }
        switch result {
        case .allowed:
            return
        case .challenge:
            throw DBusError.accessDenied("authentication is required for \(action)")
        case .denied:
            throw DBusError.accessDenied("not authorized for \(action)")
        }
    }
}
