/// What checkd says about one real server (`org.keepalive.Check1.RealServer`): ipvsd decides
/// nothing about health itself, it applies these.
public struct RealServerReport: Hashable, Sendable {
    /// `AdminState`: an operator's override of health.
    public enum AdminState: String, Hashable, Sendable {
        /// Health and weight decide.
        case enabled = "ENABLED"
        /// Weight 0: no new connections, existing ones kept.
        case drained = "DRAINED"
        /// Out of the table whatever its health.
        case disabled = "DISABLED"
    }

    public var healthy: Bool
    /// The weight checkd publishes (the configured one, or what `misc_dynamic` set).
    public var weight: Int
    public var adminState: AdminState

    public init(healthy: Bool, weight: Int, adminState: AdminState = .enabled) {
        self.healthy = healthy
        self.weight = weight
        self.adminState = adminState
    }
}

/// A real server as checkd names it: both parts are keepalived's display names
/// (`VirtualServer.displayName`, `RealServer.displayName`), the labels of its object path.
public struct RealServerID: Hashable, Sendable, CustomStringConvertible {
    public var virtualServer: String
    public var realServer: String

    public init(virtualServer: String, realServer: String) {
        self.virtualServer = virtualServer
        self.realServer = realServer
    }

    public var description: String { "\(realServer) of VS \(virtualServer)" }
}
