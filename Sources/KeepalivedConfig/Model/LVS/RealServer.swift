/// A `real_server <IPADDR> [<PORT>] { ... }`: one destination of a virtual server, with its
/// weight and health checkers. Unset options fall back to the virtual server's.
public struct RealServer: Hashable, Sendable, Codable {
    public var origin = Origin()
    public var address: IPAddress
    /// The destination port; the virtual server's port when unset (always unset for fwmark services).
    public var port: Int?
    /// Relative weight for weighted schedulers; keepalived's default is 1, 0 quiesces the server.
    public var weight = 1
    /// Overrides the virtual server's `lvs_method`.
    public var forwardingMethod: ForwardingMethod?
    /// Run when the checkers consider the server up.
    public var notifyUp: NotifyCommand?
    /// Run when the checkers consider the server down.
    public var notifyDown: NotifyCommand?
    /// Maximum number of connections to the server (`uthreshold`).
    public var upperThreshold: Int?
    /// Minimum number of connections to the server (`lthreshold`).
    public var lowerThreshold: Int?
    public var smtpAlert: Bool?
    /// Default Host header for HTTP_GET and SSL_GET checkers of this server.
    public var virtualhost: String?
    public var snmpName: String?
    public var alpha: Bool?
    public var connectTimeout: Double?
    public var retry: Int?
    public var delayBeforeRetry: Double?
    public var warmup: Double?
    public var delayLoop: Double?
    /// Set the weight to 0 on failure rather than removing the server.
    public var inhibitOnFailure: Bool?
    public var checkers: [HealthChecker] = []

    public init(address: IPAddress, port: Int? = nil) {
        self.address = address
        self.port = port
    }

    init?(reading statement: Statement, _ diagnostics: inout Diagnostics) {
        guard let (address, port) = statement.serverAddress(&diagnostics) else { return nil }
        self.init(address: address, port: port)
        var origin = Origin(statement.location)
        readBlock(statement.block ?? [], of: "real_server", origin: &origin, &diagnostics) { s, d in
            if HealthChecker.keywords.contains(s.name) {
                checkers.appendIfPresent(HealthChecker(reading: s, &d))
                return true
            }
            switch s.name {
            case "weight": weight = s.integer(in: 0...Int(Int32.max), &d) ?? weight
            case "lvs_method", "lb_kind": forwardingMethod = s.forwardingMethod(&d) ?? forwardingMethod
            case "notify_up": notifyUp = NotifyCommand(reading: s, &d) ?? notifyUp
            case "notify_down": notifyDown = NotifyCommand(reading: s, &d) ?? notifyDown
            case "uthreshold": upperThreshold = s.integer(in: 0...Int(Int32.max), &d) ?? upperThreshold
            case "lthreshold": lowerThreshold = s.integer(in: 0...Int(Int32.max), &d) ?? lowerThreshold
            case "smtp_alert": smtpAlert = s.boolean(&d) ?? smtpAlert
            case "virtualhost": virtualhost = s.string(&d) ?? virtualhost
            case "snmp_name": snmpName = s.string(&d) ?? snmpName
            case "alpha": alpha = s.boolean(&d) ?? alpha
            case "connect_timeout": connectTimeout = s.connectTimeout(&d) ?? connectTimeout
            case "retry": retry = s.serverRetry(&d) ?? retry
            case "delay_before_retry": delayBeforeRetry = s.timer(&d) ?? delayBeforeRetry
            case "warmup": warmup = s.timer(&d) ?? warmup
            case "delay_loop": delayLoop = s.delayLoop(&d) ?? delayLoop
            case "inhibit_on_failure": inhibitOnFailure = s.boolean(&d) ?? inhibitOnFailure
            default: return false
            }
            return true
        }
        self.origin = origin
        if let upper = upperThreshold, let lower = lowerThreshold, lower > upper {
            diagnostics.error(
                "real_server lthreshold \(lower) exceeds uthreshold \(upper)",
                at: origin["lthreshold"] ?? statement.location)
        }
    }
}

extension RealServer: ConfigRenderable {
    public func render(into writer: inout ConfigWriter) {
        writer.block(["real_server", address.description] + (port.map { [String($0)] } ?? [])) { w in
            w.line("weight", String(weight))
            w.method("lvs_method", forwardingMethod)
            w.script("notify_up", notifyUp)
            w.script("notify_down", notifyDown)
            w.option("uthreshold", upperThreshold)
            w.option("lthreshold", lowerThreshold)
            w.boolean("smtp_alert", smtpAlert)
            w.option("virtualhost", virtualhost)
            w.option("snmp_name", snmpName)
            w.boolean("alpha", alpha)
            w.option("connect_timeout", connectTimeout)
            w.option("retry", retry)
            w.option("delay_before_retry", delayBeforeRetry)
            w.option("warmup", warmup)
            w.option("delay_loop", delayLoop)
            w.boolean("inhibit_on_failure", inhibitOnFailure)
            checkers.forEach { $0.render(into: &w) }
        }
    }
}
