/// What a checker actually runs with once keepalived's inheritance is applied: the checker's own
/// setting, else its real server's, else its virtual server's, else keepalived's default.
public struct CheckerSettings: Hashable, Sendable, Codable {
    /// Where the checker connects: `connect_ip`, else the real server's address.
    public var address: IPAddress
    /// `connect_port`, else the real server's port, else the virtual server's; nil for PING,
    /// MISC, FILE and BFD checks, and for fwmark services without a connect_port.
    public var port: Int?
    public var connectTimeout: Double
    public var retry: Int
    public var delayBeforeRetry: Double
    /// Maximum random delay before the first check.
    public var warmup: Double
    public var delayLoop: Double
    public var alpha: Bool

    /// keepalived's default connect_timeout.
    public static let defaultConnectTimeout: Double = 5
}

extension VirtualServer {
    /// The settings `checker` of `real` runs with, resolved the way keepalived resolves them.
    public func settings(of checker: HealthChecker, on real: RealServer) -> CheckerSettings {
        let options = checker.options ?? CheckerOptions()
        let delayLoop = options.delayLoop ?? real.delayLoop ?? self.delayLoop
        let retry = options.retry ?? real.retry ?? self.retry ?? checker.defaultRetry
        let delayBeforeRetry =
            options.delayBeforeRetry ?? real.delayBeforeRetry ?? self.delayBeforeRetry
            ?? checker.defaultDelayBeforeRetry(delayLoop: delayLoop)
        var port: Int?
        if checker.connects {
            var servicePort: Int?
            if case .address(_, let value) = service { servicePort = value }
            port = options.connectPort ?? real.port ?? servicePort
        }
        return CheckerSettings(
            address: options.connectIP ?? real.address,
            port: port,
            connectTimeout: options.connectTimeout ?? real.connectTimeout ?? connectTimeout
                ?? CheckerSettings.defaultConnectTimeout,
            retry: retry,
            delayBeforeRetry: delayBeforeRetry,
            warmup: options.warmup ?? real.warmup ?? warmup ?? delayLoop,
            delayLoop: delayLoop,
            alpha: options.alpha ?? real.alpha ?? alpha)
    }
}

extension HealthChecker {
    /// keepalived's retry default: 3 for DNS_CHECK, 0 for MISC_CHECK, 1 otherwise.
    var defaultRetry: Int {
        switch self {
        case .dns: 3
        case .misc: 0
        default: 1
        }
    }

    /// keepalived's delay_before_retry default: delay_loop for DNS_CHECK, 3 seconds for HTTP_GET
    /// and SSL_GET, 1 second otherwise.
    func defaultDelayBeforeRetry(delayLoop: Double) -> Double {
        switch self {
        case .dns: delayLoop
        case .httpGet, .sslGet: 3
        default: 1
        }
    }

    /// True for checkers that open a connection to a port.
    var connects: Bool {
        switch self {
        case .httpGet, .sslGet, .tcp, .smtp, .dns, .udp: true
        case .ping, .misc, .file, .bfd: false
        }
    }
}
