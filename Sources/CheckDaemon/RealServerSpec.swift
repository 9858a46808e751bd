import KeepalivedConfig

/// Everything checkd needs about one real server of one virtual server, read once from the
/// configuration. Two equal specs mean the server's checks did not change, so a reload keeps
/// its health.
public struct RealServerSpec: Sendable, Hashable {
    /// One checker with keepalived's inherited settings applied.
    public struct Checker: Sendable, Hashable {
        public var checker: HealthChecker
        public var settings: CheckerSettings
        public var keyword: String { checker.keyword }
    }

    /// keepalived's names: `[10.0.0.1]:80` and `[10.0.0.2]:80`.
    public var virtualServer: String
    public var realServer: String
    public var address: IPAddress
    /// 0 for a real server without a port (fwmark services).
    public var port: UInt16
    public var weight: Int
    public var checkers: [Checker]
    public var notifyUp: NotifyCommand?
    public var notifyDown: NotifyCommand?
    /// `omega`: run notify_down for healthy servers at shutdown.
    public var omega: Bool
    /// The address whose holder may check, when `ha_suspend` is set on an address service.
    public var suspendUnlessHolding: IPAddress?
    /// `smtp_alert` of the real server, else the virtual server, else `smtp_alert_checker`,
    /// else `smtp_alert`.
    public var smtpAlert: Bool
    /// The Host header HTTP_GET and SSL_GET send when the checker sets none.
    public var virtualhost: String?
    /// The real and virtual server as configured, for the probe factory. Not part of equality:
    /// what they hold that matters to the checks is in the fields above (so a sibling real
    /// server added to the virtual server changes nothing here).
    public var definition: RealServer
    public var virtualServerDefinition: VirtualServer

    public init(_ real: RealServer, of virtual: VirtualServer, globals: GlobalDefinitions) {
        virtualServer = virtual.displayName
        realServer = real.displayName
        address = real.address
        var servicePort: Int?
        var serviceAddress: IPAddress?
        if case .address(let address, let port) = virtual.service {
            servicePort = port
            serviceAddress = address
        }
        port = UInt16(clamping: real.port ?? servicePort ?? 0)
        weight = real.weight
        checkers = real.checkers.map { Checker(checker: $0, settings: virtual.settings(of: $0, on: real)) }
        notifyUp = real.notifyUp
        notifyDown = real.notifyDown
        omega = virtual.omega
        suspendUnlessHolding = virtual.haSuspend ? serviceAddress : nil
        smtpAlert =
            real.smtpAlert ?? virtual.smtpAlert ?? globals.smtpAlertChecker ?? globals.smtpAlert ?? false
        virtualhost = real.virtualhost ?? virtual.virtualhost
        definition = real
        virtualServerDefinition = virtual
        virtualServerDefinition.realServers = []
    }

    /// What the checks depend on, for equality.
    private var checkIdentity: [AnyHashable] {
        [
            virtualServer, realServer, address, port, weight, checkers, notifyUp, notifyDown, omega,
            suspendUnlessHolding, smtpAlert, virtualhost,
        ]
    }

    public static func == (lhs: RealServerSpec, rhs: RealServerSpec) -> Bool {
        lhs.checkIdentity == rhs.checkIdentity
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(checkIdentity) }

    /// The specs of every real server in `configuration`, in config order, duplicates (same
    /// names) dropped with a warning in `warnings`.
    public static func all(in configuration: KeepalivedConfiguration) -> (specs: [RealServerSpec], warnings: [String]) {
        var seen: Set<[String]> = []
        var specs: [RealServerSpec] = []
        var warnings: [String] = []
        for virtual in configuration.virtualServers {
            for real in virtual.realServers {
                let spec = RealServerSpec(real, of: virtual, globals: configuration.globalDefinitions)
                guard seen.insert([spec.virtualServer, spec.realServer]).inserted else {
                    warnings.append("real server \(spec.realServer) appears twice in VS \(spec.virtualServer); the first one is checked")
                    continue
                }
                if virtual.haSuspend, spec.suspendUnlessHolding == nil {
                    warnings.append("ha_suspend on VS \(spec.virtualServer) needs an address service; ignored")
                }
                specs.append(spec)
            }
        }
        return (specs, warnings)
    }
}
