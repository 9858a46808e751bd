/// `vrrp_instance NAME { ... }`: one virtual router, its addresses and how it elects a master.
///
/// Defaults are applied when the configuration loads: `priority` 100, `advert_int` 1, and
/// `version` from global `vrrp_version` (else 2, or 3 when the addresses are IPv6).
public struct VRRPInstance: Hashable, Sendable, Codable, ConfigRenderable {
    public var name: String
    /// `state MASTER|BACKUP`: the initial state (BACKUP when nil).
    public var initialState: InitialState?
    /// `interface`: where adverts are sent; optional only with unicast peers.
    public var interface: String?
    /// `use_vmac [NAME] [MAC]`: run on a macvlan with the VRRP virtual MAC.
    public var useVMAC: VMAC?
    /// `vmac_xmit_base`: send and receive adverts on the base interface, not the VMAC.
    public var vmacTransmitBase: Bool
    /// `native_ipv6` (deprecated): force IPv6.
    public var nativeIPv6: Bool
    /// `dont_track_primary`: ignore faults of `interface`.
    public var dontTrackPrimary: Bool
    /// `track_interface { ... }`.
    public var trackInterfaces: [TrackedItem]
    /// `track_script { ... }`: names of `vrrp_script`s.
    public var trackScripts: [TrackedItem]
    /// `track_file { ... }`: names of `track_file`s.
    public var trackFiles: [TrackedItem]
    /// `mcast_src_ip` / `unicast_src_ip` (the same setting): the advert source address.
    public var sourceAddress: IPAddress?
    /// `mcast_dst_ip`: a multicast group other than 224.0.0.18 / ff02::12.
    public var multicastGroup: IPAddress?
    /// `unicast_peer { ... }`: send adverts to these addresses instead of multicast.
    public var unicastPeers: [UnicastPeer]
    /// `unicast_ttl`: TTL / hop limit of unicast adverts.
    public var unicastTTL: Int?
    /// `check_unicast_src`: drop adverts whose source is not a unicast peer.
    public var checkUnicastSource: Bool
    /// `version 2|3`.
    public var version: Int
    /// `virtual_router_id`: 1 to 255.
    public var virtualRouterID: Int
    /// `priority`: 1 to 255, 255 meaning address owner (default 100).
    public var priority: Int
    /// `advert_int`: seconds between adverts (default 1); whole seconds for version 2,
    /// hundredths for version 3.
    public var advertInterval: Double
    /// `authentication { auth_type PASS|AH auth_pass ... }` (VRRPv2 only, not recommended).
    public var authentication: Authentication?
    /// `virtual_ipaddress { ... }`: the addresses carried in adverts.
    public var virtualAddresses: [VirtualAddress]
    /// `virtual_ipaddress_excluded { ... }`: addresses added with the VIPs but not advertised.
    public var excludedAddresses: [VirtualAddress]
    /// `virtual_routes { ... }`.
    public var virtualRoutes: [VirtualRoute]
    /// `virtual_rules { ... }`.
    public var virtualRules: [VirtualRule]
    /// False with `nopreempt`: a higher priority backup does not take over a lower master.
    public var preempt: Bool
    /// `preempt_delay`: seconds (0 to 1000) to wait before preempting.
    public var preemptDelay: Double?
    /// `garp_master_delay`: seconds until the second burst of gratuitous ARPs as master.
    public var garpMasterDelay: Int?
    /// `garp_master_repeat`: gratuitous ARPs per burst.
    public var garpMasterRepeat: Int?
    /// `garp_master_refresh`: seconds between refresh bursts while master (0: none).
    public var garpMasterRefresh: Int?
    /// `garp_master_refresh_repeat`: gratuitous ARPs per refresh.
    public var garpMasterRefreshRepeat: Int?
    /// `garp_lower_prio_delay`: seconds until gratuitous ARPs after a lower priority advert.
    public var garpLowerPriorityDelay: Int?
    /// `garp_lower_prio_repeat`: gratuitous ARPs sent after a lower priority advert.
    public var garpLowerPriorityRepeat: Int?
    /// `lower_prio_no_advert`: do not answer a lower priority advert.
    public var lowerPriorityNoAdvert: Bool?
    /// `higher_prio_send_advert`: advertise once more before yielding to a higher priority.
    public var higherPrioritySendAdvert: Bool?
    /// `down_timer_adverts`: advert intervals until the master is down (default 3).
    public var downTimerAdverts: Int?
    public var notify: NotifyScripts
    /// `notify_priority_changes`: send priority changes to the notify FIFOs.
    public var notifyPriorityChanges: Bool?
    /// `smtp_alert`: email on transitions.
    public var smtpAlert: Bool?
    /// `accept` (true) / `no_accept` (false): accept packets to the VIPs when not address owner.
    public var accept: Bool?
    /// `strict_mode`: this instance's vrrp_strict.
    public var strictMode: Bool?
    /// `skip_check_adv_addr`: skip checking the addresses of adverts from the same master.
    public var skipCheckAdvertAddress: Bool?
    /// `debug`: level 0 to 4.
    public var debugLevel: Int?
    /// `lvs_sync_daemon_interface` (deprecated; see global lvs_sync_daemon).
    public var lvsSyncDaemonInterface: String?
    /// `promote_secondaries`: set the interface's promote_secondaries flag.
    public var promoteSecondaries: Bool
    /// `kernel_rx_buf_size`: socket receive buffer size in bytes.
    public var kernelRxBufferSize: Int?
    /// Known keywords this model keeps as written (`vrf`, `use_ipvlan`, `track_process`, ...).
    public var otherOptions: [RawStatement]
    public var origin: Origin

    public enum InitialState: String, Hashable, Sendable, Codable {
        case master = "MASTER"
        case backup = "BACKUP"
    }

    /// `use_vmac [NAME] [MAC]`.
    public struct VMAC: Hashable, Sendable, Codable {
        /// The macvlan's name (default `vrrp.VRID`).
        public var interfaceName: String?
        /// A MAC to use instead of 00:00:5e:00:01:VRID (five octets take the VRID as the sixth).
        public var macAddress: String?
        public init(interfaceName: String? = nil, macAddress: String? = nil) {
            self.interfaceName = interfaceName
            self.macAddress = macAddress
        }
    }

    /// `authentication { auth_type PASS|AH auth_pass SECRET }`.
    public struct Authentication: Hashable, Sendable, Codable {
        public enum AuthType: String, Hashable, Sendable, Codable {
            case pass = "PASS"
            case ah = "AH"
        }
        public var type: AuthType
        /// Only the first eight characters are used.
        public var password: String?
        public init(type: AuthType, password: String? = nil) {
            self.type = type
            self.password = password
        }
    }

    /// One line of `unicast_peer { ADDR [min_ttl N] [max_ttl N] }`.
    public struct UnicastPeer: Hashable, Sendable, Codable {
        public var address: IPAddress
        /// Drop adverts from this peer with a lower TTL / hop limit.
        public var minimumTTL: Int?
        /// Drop adverts from this peer with a higher TTL / hop limit.
        public var maximumTTL: Int?
        public var origin: Origin
        public init(address: IPAddress, minimumTTL: Int? = nil, maximumTTL: Int? = nil) {
            self.address = address
            self.minimumTTL = minimumTTL
            self.maximumTTL = maximumTTL
            origin = Origin()
        }
    }

    public init(name: String, interface: String?, virtualRouterID: Int) {
        self.name = name
        self.interface = interface
        self.virtualRouterID = virtualRouterID
        vmacTransmitBase = false
        nativeIPv6 = false
        dontTrackPrimary = false
        trackInterfaces = []
        trackScripts = []
        trackFiles = []
        unicastPeers = []
        checkUnicastSource = false
        version = 2
        priority = 100
        advertInterval = 1
        virtualAddresses = []
        excludedAddresses = []
        virtualRoutes = []
        virtualRules = []
        preempt = true
        notify = NotifyScripts()
        promoteSecondaries = false
        otherOptions = []
        origin = Origin()
    }

    /// True when any advertised address is IPv6, which makes this an IPv6 instance.
    public var isIPv6: Bool {
        nativeIPv6 || virtualAddresses.first?.address.address.family == .inet6
    }
}
