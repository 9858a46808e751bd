import DBus
import KeepalivedConfig
import Logging

/// What makes vrrpd, checkd and ipvsd different from each other. `Daemon` does the rest: options,
/// logging, configuration and reload, the bus name and root object, systemd notify and watchdog.
public protocol DaemonRole: Sendable {
    /// The well-known bus name; also the root interface name and, as a path, the root object.
    static var busName: String { get }
    /// The polkit action that guards this daemon's methods that change something.
    static var manageAction: String { get }

    /// Called once with the first configuration, before READY=1. Throw to refuse to start (for
    /// example ipvsd on a kernel without IPVS): the daemon exits non-zero with the error.
    func start(configuration: KeepalivedConfiguration, context: DaemonContext) async throws

    /// Called with every accepted reload. Change only what changed.
    func apply(_ reload: ConfigurationStore.Reload, context: DaemonContext) async throws

    /// The daemon's own work, as a child task; returns when cancelled at shutdown.
    func run(context: DaemonContext) async throws

    /// Called on SIGTERM/SIGINT after `run` was cancelled: release what `start` acquired.
    func stop(context: DaemonContext) async

    /// Handlers of the root interface's methods besides `Reload` (ipvsd's `Sync`, `GetTable`),
    /// by method name; installed before the root object is published.
    func rootMethods(context: DaemonContext) -> [String: DBusMethodHandler]
}

extension DaemonRole {
    public func apply(_ reload: ConfigurationStore.Reload, context: DaemonContext) async throws {}
    public func run(context: DaemonContext) async throws {
        while !Task.isCancelled { try await Task.sleep(for: .seconds(3600)) }
    }
    public func stop(context: DaemonContext) async {}
    public func rootMethods(context: DaemonContext) -> [String: DBusMethodHandler] { [:] }

    /// `/org/keepalive/Vrrp1` for `org.keepalive.Vrrp1`.
    public static func rootPath() throws -> ObjectPath {
        try ObjectPath("/" + busName.split(separator: ".").joined(separator: "/"))
    }
}

/// What a role may use while it runs: the configuration store, the logger and the bus.
public struct DaemonContext: Sendable {
    public let store: ConfigurationStore
    public let logger: Logger
    public let bus: BusPresence
    public let options: DaemonOptions
}

extension DaemonContext {
    /// Reads `<interfaces directory>/<interface>.xml`, so objects serve the shipped XML.
    public func interfaceXML(named interface: String) throws -> String {
        try RootObject.readInterfaceXML(named: interface, in: options.interfacesDirectory)
    }
}
