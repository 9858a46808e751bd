#if canImport(Glibc)
    import Glibc
#endif

/// Who a script runs as: `user NAME [GROUP]` on a script, or the global `script_user`.
/// Resolved once (at config load) so a run never looks up the user database.
public struct ScriptCredentials: Sendable, Hashable, CustomStringConvertible {
    /// The user name, when the uid has one (needed for supplementary groups).
    public var userName: String?
    public var uid: UInt32
    public var gid: UInt32

    public init(userName: String?, uid: UInt32, gid: UInt32) {
        self.userName = userName
        self.uid = uid
        self.gid = gid
    }

    /// root:root, what keepalived falls back to when `keepalived_script` does not exist.
    public static let root = ScriptCredentials(userName: "root", uid: 0, gid: 0)

    /// The name keepalived runs scripts as by default when the user exists.
    public static let defaultUserName = "keepalived_script"

    /// keepalived's warning, word for word, when the default user is missing and root is used.
    public static let missingDefaultUserWarning =
        "WARNING - default user '\(defaultUserName)' for script execution does not exist - please create."

    /// The process's own effective uid and gid: running as these needs no privilege change.
    public static var current: ScriptCredentials {
        let uid = geteuid()
        return ScriptCredentials(userName: Self.userName(of: uid), uid: uid, gid: getegid())
    }

    /// Resolves `NAME [GROUP]`; names or numeric ids. The group defaults to the user's own group.
    public static func resolve(user: String, group: String? = nil) throws(ScriptCredentialsError) -> ScriptCredentials {
        guard let account = lookUpUser(user) else { throw .unknownUser(user) }
        var gid = account.gid
        if let group {
            guard let found = lookUpGroup(group) else { throw .unknownGroup(group) }
            gid = found
        }
        return ScriptCredentials(userName: account.name, uid: account.uid, gid: gid)
    }

    /// keepalived's default: `script_user` when configured, otherwise `keepalived_script` when
    /// it exists, otherwise root with ``missingDefaultUserWarning`` for the caller to log.
    public static func defaultCredentials(
        scriptUser: String? = nil, scriptGroup: String? = nil
    ) throws(ScriptCredentialsError) -> (credentials: ScriptCredentials, warning: String?) {
        if let scriptUser { return (try resolve(user: scriptUser, group: scriptGroup), nil) }
        if let found = try? resolve(user: defaultUserName) { return (found, nil) }
        return (.root, missingDefaultUserWarning)
    }

    public var description: String {
        "\(userName ?? "uid \(uid)") (uid \(uid), gid \(gid))"
    }

    // MARK: - User database

    private static func lookUpUser(_ name: String) -> (name: String, uid: UInt32, gid: UInt32)? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        if getpwnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil {
            return (String(cString: entry.pw_name), entry.pw_uid, entry.pw_gid)
        }
        guard let uid = UInt32(name) else { return nil }
        if getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil {
            return (String(cString: entry.pw_name), entry.pw_uid, entry.pw_gid)
        }
        return nil
    }

    private static func lookUpGroup(_ name: String) -> UInt32? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        if getgrnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil {
            return entry.gr_gid
        }
        return UInt32(name)
    }

    static func userName(of uid: UInt32) -> String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return String(cString: entry.pw_name)
    }
}

/// A `user`/`group`/`script_user` that names nobody on this system.
public enum ScriptCredentialsError: Error, Hashable, Sendable, CustomStringConvertible {
    case unknownUser(String)
    case unknownGroup(String)

    public var description: String {
        switch self {
        case .unknownUser(let name): "Unable to find script user '\(name)'"
        case .unknownGroup(let name): "Unable to find script group '\(name)'"
        }
    }
}
