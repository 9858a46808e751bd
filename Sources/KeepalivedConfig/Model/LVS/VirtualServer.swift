/// A `virtual_server`: one IPVS service and its real servers. Options that real servers and
/// checkers can also set are the defaults for them.
public struct VirtualServer: Hashable, Sendable, Codable {
    /// What the service matches: an address and port, a firewall mark, or every entry of a
    /// `virtual_server_group`.
    public enum Service: Hashable, Sendable, Codable, CustomStringConvertible {
        /// `virtual_server <IPADDR> [<PORT>]`; the port may be omitted only for persistent services.
        case address(address: IPAddress, port: Int?)
        /// `virtual_server fwmark <INTEGER>`.
        case fwmark(mark: Int)
        /// `virtual_server group <STRING>`.
        case group(name: String)

        var words: [String] {
            switch self {
            case .address(let address, let port): [address.description] + (port.map { [String($0)] } ?? [])
            case .fwmark(let mark): ["fwmark", String(mark)]
            case .group(let name): ["group", name]
            }
        }

        public var description: String { words.joined(separator: " ") }
    }

    /// The server used in place of all real servers while the quorum is not reached.
    public struct SorryServer: Hashable, Sendable, Codable {
        public var address: IPAddress
        public var port: Int?

        public init(address: IPAddress, port: Int? = nil) {
            self.address = address
            self.port = port
        }
    }

    public var origin = Origin()
    public var service: Service
    /// Seconds between checks; keepalived's default is 60.
    public var delayLoop: Double = 60
    /// `lvs_sched` (or `lb_algo`); keepalived's default is wlc.
    public var scheduler: LVSScheduler = .wlc
    public var schedulerFlags = SchedulerFlags()
    /// `lvs_method` (or `lb_kind`); keepalived's default is NAT.
    public var forwardingMethod: ForwardingMethod = .nat
    /// Seconds a client sticks to its real server; nil when the service is not persistent.
    /// A bare `persistence_timeout` means 360.
    public var persistenceTimeout: Int?
    /// Netmask (IPv4) or prefix length (IPv6) that groups clients for persistence (ipvsadm -M).
    public var persistenceGranularity: String?
    /// The persistence engine module, currently only `sip`.
    public var persistenceEngine: String?
    /// As written; see `effectiveProtocol` for what keepalived uses when it is not.
    public var `protocol`: LVSProtocol?
    /// Sets the IPVS service flag IP_VS_SVC_F_HASHED (`hashed`).
    public var hashed = false
    /// One-packet scheduling for UDP (`ops`, ipvsadm -o).
    public var onePacketScheduling = false
    /// Suspend the checkers while the virtual address is not configured on this host.
    public var haSuspend = false
    /// Email on quorum changes; nil follows global_defs.
    public var smtpAlert: Bool?
    /// Default Host header for HTTP_GET and SSL_GET checkers.
    public var virtualhost: String?
    public var snmpName: String?
    /// Start with every real server down until its checkers pass.
    public var alpha = false
    /// Run the quorum and real server down scripts on shutdown.
    public var omega = false
    /// Minimum total weight of live servers for the service to be up; default 1.
    public var quorum = 1
    /// Weight units of tolerance around the quorum, a flap dampener; default 0.
    public var hysteresis = 0
    /// Run when the quorum is gained.
    public var quorumUp: NotifyCommand?
    /// Run when the quorum is lost.
    public var quorumDown: NotifyCommand?
    /// Address family of a fwmark service whose real servers are all tunnelled.
    public var ipFamily: IPAddress.Family?
    public var sorryServer: SorryServer?
    /// Apply inhibit_on_failure to the sorry server.
    public var sorryServerInhibit = false
    /// The sorry server's forwarding method; the virtual server's when unset.
    public var sorryServerForwardingMethod: ForwardingMethod?
    /// Checker defaults for the real servers.
    public var connectTimeout: Double?
    public var retry: Int?
    public var delayBeforeRetry: Double?
    public var warmup: Double?
    /// Real servers default to weight 0 on failure instead of removal.
    public var inhibitOnFailure = false
    public var realServers: [RealServer] = []

    public init(service: Service) {
        self.service = service
    }

    /// The protocol keepalived 2.2 uses: the one written, else UDP (it warns "no protocol set -
    /// defaulting to UDP"). A fwmark service has no protocol of its own (nil).
    public var effectiveProtocol: LVSProtocol? {
        if case .fwmark = service { return nil }
        return `protocol` ?? .udp
    }

    /// The persistence timeout a bare `persistence_timeout` sets.
    public static let defaultPersistenceTimeout = 360
}

extension VirtualServer: ConfigRenderable {
    public func render(into writer: inout ConfigWriter) {
        writer.block(["virtual_server"] + service.words) { w in
            w.option("delay_loop", delayLoop)
            w.line("lvs_sched", scheduler.rawValue)
            schedulerFlags.render(into: &w)
            w.method("lvs_method", forwardingMethod)
            w.option("persistence_timeout", persistenceTimeout)
            w.option("persistence_granularity", persistenceGranularity)
            w.option("persistence_engine", persistenceEngine)
            w.option("protocol", `protocol`?.rawValue)
            w.flag("hashed", hashed)
            w.flag("ops", onePacketScheduling)
            w.flag("ha_suspend", haSuspend)
            w.boolean("smtp_alert", smtpAlert)
            w.option("virtualhost", virtualhost)
            w.option("snmp_name", snmpName)
            w.flag("alpha", alpha)
            w.flag("omega", omega)
            w.line("quorum", String(quorum))
            w.line("hysteresis", String(hysteresis))
            w.script("quorum_up", quorumUp)
            w.script("quorum_down", quorumDown)
            w.option("ip_family", ipFamily?.rawValue)
            if let sorryServer {
                w.line(
                    ["sorry_server", sorryServer.address.description] + (sorryServer.port.map { [String($0)] } ?? []))
            }
            w.flag("sorry_server_inhibit", sorryServerInhibit)
            w.method("sorry_server_lvs_method", sorryServerForwardingMethod)
            w.option("connect_timeout", connectTimeout)
            w.option("retry", retry)
            w.option("delay_before_retry", delayBeforeRetry)
            w.option("warmup", warmup)
            w.flag("inhibit_on_failure", inhibitOnFailure)
            realServers.forEach { $0.render(into: &w) }
        }
    }
}
