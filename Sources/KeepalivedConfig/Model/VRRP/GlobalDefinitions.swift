/// `global_defs { ... }`: settings shared by every daemon: identity, email alerts, VRRP
/// defaults for every instance, notify FIFOs, and process options.
///
/// What keepalived users commonly set is typed; every other keyword keepalived 2.2 documents
/// is kept as written in `otherOptions` (so it round-trips) and is not warned about.
public struct GlobalDefinitions: Hashable, Sendable, Codable, ConfigRenderable {
    /// `router_id`: names this machine in alerts (default: the host name).
    public var routerID: String?
    /// `notification_email { ... }`: alert recipients.
    public var notificationEmails: [String] = []
    /// `notification_email_from` (default keepalived@host).
    public var notificationEmailFrom: String?
    /// `smtp_server ADDR [PORT]`.
    public var smtpServer: SMTPServer?
    /// `smtp_helo_name` (default: the host name).
    public var smtpHeloName: String?
    /// `smtp_connect_timeout`: seconds.
    public var smtpConnectTimeout: Int?
    /// `smtp_alert`: default for every smtp_alert.
    public var smtpAlert: Bool?
    /// `smtp_alert_vrrp`: default for vrrp smtp_alerts.
    public var smtpAlertVRRP: Bool?
    /// `smtp_alert_checker`: default for checker smtp_alerts.
    public var smtpAlertChecker: Bool?
    /// `no_email_faults`: no email for fault transitions.
    public var noEmailFaults = false
    /// `enable_script_security`: refuse root scripts whose path a non-root user can write.
    public var enableScriptSecurity = false
    /// `script_user USER [GROUP]`: who runs scripts (default keepalived_script, else root).
    public var scriptUser: ScriptUser?
    /// `startup_script SCRIPT [USER [GROUP]]`: run once before the daemons start.
    public var startupScript: NotifyCommand?
    /// `startup_script_timeout`: seconds, 1 to 1000 (default 10).
    public var startupScriptTimeout: Int?
    /// `shutdown_script SCRIPT [USER [GROUP]]`: run once after the daemons stop.
    public var shutdownScript: NotifyCommand?
    /// `shutdown_script_timeout`: seconds, 1 to 1000 (default 10).
    public var shutdownScriptTimeout: Int?
    /// `default_interface`: for static addresses without `dev` (default eth0).
    public var defaultInterface: String?
    /// `dynamic_interfaces [allow_if_changes]`: allow interfaces that do not exist yet.
    public var dynamicInterfaces: DynamicInterfaces?
    /// `vrrp_mcast_group4` (default 224.0.0.18).
    public var vrrpMulticastGroup4: IPAddress?
    /// `vrrp_mcast_group6` (default ff02::12).
    public var vrrpMulticastGroup6: IPAddress?
    /// `vrrp_version 2|3`: the default for instances (default 2).
    public var vrrpVersion: Int?
    /// `vrrp_strict`: enforce strict RFC compliance in every instance.
    public var vrrpStrict = false
    /// `vrrp_skip_check_adv_addr`: default of instances' skip_check_adv_addr.
    public var vrrpSkipCheckAdvertAddress: Bool?
    /// `vrrp_check_unicast_src`: default of instances' check_unicast_src.
    public var vrrpCheckUnicastSource = false
    /// `vrrp_lower_prio_no_advert`: default of instances' lower_prio_no_advert.
    public var vrrpLowerPriorityNoAdvert: Bool?
    /// `vrrp_higher_prio_send_advert`: default of instances' higher_prio_send_advert.
    public var vrrpHigherPrioritySendAdvert: Bool?
    /// `vrrp_garp_master_delay`: seconds until the second gratuitous ARP burst (default 5).
    public var vrrpGARPMasterDelay: Int?
    /// `vrrp_garp_master_repeat`: gratuitous ARPs per burst (default 5).
    public var vrrpGARPMasterRepeat: Int?
    /// `vrrp_garp_lower_prio_delay` (default vrrp_garp_master_delay).
    public var vrrpGARPLowerPriorityDelay: Int?
    /// `vrrp_garp_lower_prio_repeat` (default vrrp_garp_master_repeat).
    public var vrrpGARPLowerPriorityRepeat: Int?
    /// `vrrp_garp_master_refresh`: seconds between refreshes while master (default 0: none).
    public var vrrpGARPMasterRefresh: Int?
    /// `vrrp_garp_master_refresh_repeat` (default 1).
    public var vrrpGARPMasterRefreshRepeat: Int?
    /// `vrrp_garp_interval`: seconds between gratuitous ARPs on an interface.
    public var vrrpGARPInterval: Double?
    /// `vrrp_gna_interval`: seconds between unsolicited neighbour adverts on an interface.
    public var vrrpGNAInterval: Double?
    /// `vrrp_min_garp`: one gratuitous ARP, no repeat.
    public var vrrpMinGARP: Bool?
    /// `vrrp_down_timer_adverts`: default of instances' down_timer_adverts.
    public var vrrpDownTimerAdverts: Int?
    /// `vrrp_startup_delay`: seconds before instances start.
    public var vrrpStartupDelay: Double?
    /// `vrrp_iptables [IN_CHAIN [OUT_CHAIN]]`; an empty list means INPUT and OUTPUT.
    public var vrrpIPTables: [String]?
    /// `vrrp_notify_priority_changes`: send priority changes to the notify FIFOs.
    public var vrrpNotifyPriorityChanges: Bool?
    /// `notify_fifo FIFO [USER [GROUP]]`: all notify events.
    public var notifyFIFO: NotifyFIFO?
    /// `notify_fifo_script`: the script keepalived runs to read `notify_fifo`.
    public var notifyFIFOScript: NotifyCommand?
    /// `vrrp_notify_fifo`: vrrp notify events.
    public var vrrpNotifyFIFO: NotifyFIFO?
    public var vrrpNotifyFIFOScript: NotifyCommand?
    /// `lvs_notify_fifo`: checker notify events.
    public var lvsNotifyFIFO: NotifyFIFO?
    public var lvsNotifyFIFOScript: NotifyCommand?
    /// `lvs_sync_daemon IF [[inst] VI] [id N] [maxlen N] [port N] [ttl N] [group ADDR]`.
    public var lvsSyncDaemon: LVSSyncDaemon?
    /// `lvs_timeouts [tcp S] [tcpfin S] [udp S]`.
    public var lvsTimeouts: LVSTimeouts?
    /// `lvs_flush`: flush IPVS at startup.
    public var lvsFlush = false
    /// `max_auto_priority [-1..99]`: cap on the automatic realtime priority; bare means 99.
    public var maxAutoPriority: Int?
    /// `enable_dbus`: keepalived's own D-Bus interface.
    public var enableDBus = false
    /// `dbus_service_name` (default org.keepalived.Vrrp1).
    public var dbusServiceName: String?
    /// Every other global_defs keyword keepalived 2.2 knows, kept in the order written.
    public var otherOptions: [RawStatement] = []
    public var origin = Origin()

    public init() {}

    /// `smtp_server ADDR [PORT]`: an IP address or a host name.
    public struct SMTPServer: Hashable, Sendable, Codable {
        public var host: String
        /// Default 25.
        public var port: Int?
        public init(host: String, port: Int? = nil) {
            self.host = host
            self.port = port
        }
    }

    /// `dynamic_interfaces [allow_if_changes]`.
    public enum DynamicInterfaces: String, Hashable, Sendable, Codable {
        case enabled
        /// An interface may be recreated with another type or parent.
        case allowInterfaceChanges = "allow_if_changes"
    }

    /// A FIFO keepalived writes notify events to, and who owns it.
    public struct NotifyFIFO: Hashable, Sendable, Codable {
        public var path: String
        public var owner: ScriptUser?
        public init(path: String, owner: ScriptUser? = nil) {
            self.path = path
            self.owner = owner
        }
    }

    /// The IPVS connection synchronisation daemon.
    public struct LVSSyncDaemon: Hashable, Sendable, Codable {
        public var interface: String
        /// The vrrp_instance whose state selects master or backup sync daemon.
        public var instance: String?
        /// `id`: 0 to 255 (default the instance's VRID).
        public var syncID: Int?
        public var maximumLength: Int?
        public var port: Int?
        public var ttl: Int?
        /// `group`: the multicast group (default 224.0.0.81).
        public var group: IPAddress?
        public init(interface: String) { self.interface = interface }
    }

    /// IPVS connection timeouts in seconds; nil leaves a timeout unchanged.
    public struct LVSTimeouts: Hashable, Sendable, Codable {
        public var tcp: Int?
        public var tcpFin: Int?
        public var udp: Int?
        public init(tcp: Int? = nil, tcpFin: Int? = nil, udp: Int? = nil) {
            self.tcp = tcp
            self.tcpFin = tcpFin
            self.udp = udp
        }
    }
}
