import KeepalivedConfig
import Netlink
import VRRP
import VRRPSockets

/// Everything one running `vrrp_instance` needs, read from its block and `global_defs` with
/// keepalived's defaults applied. Pure: no socket or netlink is touched to build it, so a bad
/// block is refused with a clear error before anything changes on the host.
public struct InstanceSettings: Sendable, Hashable {
    public var name: String
    public var interface: String
    public var version: VRRPAdvert.Version
    public var virtualRouterID: UInt8
    public var priority: UInt8
    /// `advert_int` in centiseconds.
    public var advertInterval: VRRPDuration
    public var initialState: VRRPInstanceConfiguration.InitialState?
    public var preempt: Bool
    public var preemptDelay: VRRPDuration
    public var authentication: VRRPAdvert.Authentication
    /// Adverts go to the multicast group or to the unicast peers.
    public var destination: VRRPSocket.Destination
    /// `mcast_src_ip` / `unicast_src_ip`.
    public var sourceAddress: InetAddress?
    /// `virtual_ipaddress`: added as MASTER and carried in adverts.
    public var virtualAddresses: [VirtualAddressSpec]
    /// `virtual_ipaddress_excluded`: added as MASTER, never advertised.
    public var excludedAddresses: [VirtualAddressSpec]
    /// `virtual_routes`: added after the addresses as MASTER, removed before them.
    public var virtualRoutes: [VirtualRouteSpec]
    /// `virtual_rules`: added with the routes as MASTER.
    public var virtualRules: [Netlink.Rule]
    public var skipCheckAdvertAddresses: Bool
    /// `garp_master_delay`: seconds from becoming MASTER to the second burst (0: none).
    public var garpMasterDelay: Int
    /// `garp_master_repeat`: gratuitous ARPs per burst.
    public var garpMasterRepeat: Int
    /// `garp_master_refresh`: seconds between refresh bursts while MASTER (0: none).
    public var garpMasterRefresh: Int
    /// `garp_master_refresh_repeat`: gratuitous ARPs per refresh burst.
    public var garpMasterRefreshRepeat: Int
    /// `vrrp_garp_interval`: the least time between two gratuitous ARPs on the interface,
    /// whichever instance sends them (zero: back to back).
    public var garpInterval: Duration
    /// `vrrp_gna_interval`: the same for unsolicited neighbour adverts (IPv6 VIPs).
    public var gnaInterval: Duration
    /// `track_interface`, plus the instance's own interface (weight 0: down means FAULT)
    /// unless `dont_track_primary`.
    public var trackedInterfaces: [TrackedInterface]
    /// `track_script`: checkd's verdicts, read from its Script objects on the bus.
    public var trackedScripts: [TrackedScript]
    /// `track_file`: numbers in files, followed by `FileTracker`.
    public var trackedFiles: [TrackedFile] = []
    /// `notify_master`, `notify_backup`, `notify_fault`, `notify_stop`, `notify`.
    public var notify: NotifyScripts
    /// Advert policy, accept mode, promote_secondaries, smtp_alert (InstancePolicy.swift).
    public var policy = InstancePolicy()
    /// `use_vmac` (with `vmac_xmit_base`): a macvlan with the virtual MAC holds the VIPs.
    public var vmac: VMACSettings?

    /// Where adverts are sent and received: the VMAC unless `vmac_xmit_base`, else `interface`.
    public var advertInterface: String {
        guard let vmac, !vmac.transmitBase else { return interface }
        return vmac.name
    }

    /// Where the VIPs without a `dev` go, and gratuitous ARPs leave from: the VMAC if any.
    public var addressInterface: String { vmac?.name ?? interface }

    /// The addresses carried in adverts, in configuration order.
    public var advertisedAddresses: [InetAddress] { virtualAddresses.map(\.address) }

    /// Whether a running instance can take `other` in place: the same socket (interface,
    /// version, VRID, destination, source) and name. Anything else needs a new runner.
    public func canReload(to other: InstanceSettings) -> Bool {
        name == other.name && interface == other.interface && version == other.version
            && virtualRouterID == other.virtualRouterID && destination == other.destination
            && sourceAddress == other.sourceAddress && vmac == other.vmac
            && usesAuthenticationHeader == other.usesAuthenticationHeader
    }

    /// `auth_type AH`: adverts travel behind an AH header, on a protocol 51 socket.
    public var usesAuthenticationHeader: Bool {
        if case .ipsecAH = authentication { return true }
        return false
    }

    /// The advert this instance sends with `priority`.
    public func advert(priority: UInt8) -> VRRPAdvert {
        let interval =
            version == .v2 ? UInt16(advertInterval.centiseconds / 100) : UInt16(advertInterval.centiseconds)
        return VRRPAdvert(
            version: version, virtualRouterID: virtualRouterID, priority: priority, advertInterval: interval,
            addresses: advertisedAddresses, authentication: authentication)
    }

    /// What received adverts are checked against.
    public func expectations(ownAddresses: Set<InetAddress>, isAddressOwner: Bool) -> ReceiveExpectations {
        ReceiveExpectations(
            virtualRouterID: virtualRouterID, version: version, authentication: authentication,
            advertIntervalCentiseconds: Int(advertInterval.centiseconds), virtualAddresses: advertisedAddresses,
            skipCheckAdvertAddresses: skipCheckAdvertAddresses, ownAddresses: ownAddresses,
            isAddressOwner: isAddressOwner)
    }

    /// The state machine's view, given this router's primary address on the interface and
    /// whether each tracked interface is up and running now.
    /// `fileValue` reads a tracked file's number from its path.
    public func machineConfiguration(
        primaryAddress: InetAddress, interfaceIsOperational: (String) -> Bool = { _ in true },
        fileValue: (String) -> Int = TrackedFile.readValue(at:)
    ) throws -> VRRPInstanceConfiguration {
        try VRRPInstanceConfiguration(
            name: name, version: version == .v2 ? .v2 : .v3, priority: priority, advertInterval: advertInterval,
            initialState: initialState, preempt: preempt, preemptDelay: preemptDelay,
            primaryAddress: VRRPRouterAddress(bytes: primaryAddress.bytes),
            trackedObjects: trackedInterfaces.map {
                VRRPTrackedObject(
                    .interface, $0.name, weight: $0.weight, reverse: $0.reverse,
                    status: interfaceIsOperational($0.name) ? .ok : .failed)
            }
                + trackedScripts.map {
                    VRRPTrackedObject(.script, $0.name, weight: $0.weight, reverse: $0.reverse, status: .unknown)
                }
                + trackedFiles.map {
                    VRRPTrackedObject(.file, $0.name, weight: $0.weight, reverse: $0.reverse, value: fileValue($0.path))
                },
            advertPolicy: policy.advertPolicy)
    }
}

/// One `track_script` line with the `vrrp_script` it names: weight 0 means its failure is
/// the instance's FAULT. `grace` is how long its last status holds while checkd is gone.
public struct TrackedScript: Sendable, Hashable {
    public var name: String
    public var weight: Int
    public var reverse: Bool
    public var grace: Duration
}

/// One tracked interface: weight 0 means its failure is the instance's FAULT.
public struct TrackedInterface: Sendable, Hashable {
    public var name: String
    public var weight: Int
    public var reverse: Bool

    public init(name: String, weight: Int = 0, reverse: Bool = false) {
        self.name = name
        self.weight = weight
        self.reverse = reverse
    }
}

/// One line of `virtual_ipaddress` as `ip addr add` takes it.
public struct VirtualAddressSpec: Sendable, Hashable, CustomStringConvertible {
    public var address: InetAddress
    public var prefixLength: Int
    /// `brd`: an address, or nil for none.
    public var broadcast: InetAddress?
    /// `dev`, else the instance's interface.
    public var device: String
    /// `scope` as written (`global`, `link`, `host`, a number ...), nil for global.
    public var scope: String?
    public var label: String?

    public var description: String { "\(address)" }
}

/// Why a `vrrp_instance` cannot run, naming the instance.
public enum InstanceSettingsError: Error, Hashable, Sendable, CustomStringConvertible {
    case noInterface(instance: String)
    case unsupported(instance: String, what: String)
    case outOfRange(instance: String, keyword: String, value: String)

    public var description: String {
        switch self {
        case .noInterface(let instance):
            "VRRP_Instance(\(instance)) has no interface (and no default_interface)"
        case .unsupported(let instance, let what):
            "VRRP_Instance(\(instance)) uses \(what), which vrrpd does not run yet"
        case .outOfRange(let instance, let keyword, let value):
            "VRRP_Instance(\(instance)) \(keyword) \(value) is out of range"
        }
    }
}

extension InstanceSettings {
    /// Reads one instance of a loaded configuration.
    public init(
        _ instance: VRRPInstance, globals: GlobalDefinitions, scripts: [VRRPScript] = [],
        files: [TrackFile] = []
    ) throws(InstanceSettingsError) {
        let name = instance.name
        guard let interface = instance.interface ?? globals.defaultInterface else { throw .noInterface(instance: name) }
        guard let vrid = UInt8(exactly: instance.virtualRouterID), vrid >= 1 else {
            throw .outOfRange(instance: name, keyword: "virtual_router_id", value: "\(instance.virtualRouterID)")
        }
        guard let priority = UInt8(exactly: instance.priority), priority >= 1 else {
            throw .outOfRange(instance: name, keyword: "priority", value: "\(instance.priority)")
        }
        let version: VRRPAdvert.Version
        switch instance.version {
        case 2: version = .v2
        case 3: version = .v3
        default: throw .outOfRange(instance: name, keyword: "version", value: "\(instance.version)")
        }
        self.name = name
        self.interface = interface
        vmac = try instance.useVMAC.map { (vmac) throws(InstanceSettingsError) in
            try VMACSettings(
                vmac, transmitBase: instance.vmacTransmitBase, virtualRouterID: vrid, isIPv6: Self.isIPv6(instance),
                instance: name)
        }
        let addressInterface = vmac?.name ?? interface
        self.version = version
        self.virtualRouterID = vrid
        self.priority = priority
        self.advertInterval = .centiseconds(Int64((instance.advertInterval * 100).rounded()))
        self.initialState = instance.initialState.map { $0 == .master ? .master : .backup }
        self.preempt = instance.preempt
        self.preemptDelay = .centiseconds(Int64(((instance.preemptDelay ?? 0) * 100).rounded()))
        switch instance.authentication {
        case nil:
            authentication = .none
        case .some(let auth) where auth.type == .pass:
            authentication = version == .v2 ? .password(VRRPAdvert.Password(auth.password ?? "")) : .none
        case .some(let auth):
            authentication = version == .v2 ? .ipsecAH(VRRPAdvert.Password(auth.password ?? "")) : .none
        }
        if instance.unicastPeers.isEmpty {
            destination = .multicast(group: try Self.multicastGroup(instance, globals: globals))
        } else {
            destination = .unicast(peers: instance.unicastPeers.compactMap { InetAddress(bytes: $0.address.bytes) })
        }
        sourceAddress = instance.sourceAddress.flatMap { InetAddress(bytes: $0.bytes) }
        virtualAddresses = try instance.virtualAddresses.map { (line) throws(InstanceSettingsError) in
            try VirtualAddressSpec(line, interface: addressInterface, instance: name)
        }
        excludedAddresses = try instance.excludedAddresses.map { (line) throws(InstanceSettingsError) in
            try VirtualAddressSpec(line, interface: addressInterface, instance: name)
        }
        virtualRoutes = try instance.virtualRoutes.map { (route) throws(InstanceSettingsError) in
            try VirtualRouteSpec(route, instance: name)
        }
        virtualRules = try instance.virtualRules.map { (rule) throws(InstanceSettingsError) in
            try Netlink.Rule(rule, instance: name)
        }
        skipCheckAdvertAddresses = instance.skipCheckAdvertAddress ?? globals.vrrpSkipCheckAdvertAddress ?? false
        garpMasterDelay = instance.garpMasterDelay ?? globals.vrrpGARPMasterDelay ?? 5
        garpMasterRepeat = instance.garpMasterRepeat ?? globals.vrrpGARPMasterRepeat ?? 5
        garpMasterRefresh = instance.garpMasterRefresh ?? globals.vrrpGARPMasterRefresh ?? 0
        garpMasterRefreshRepeat = instance.garpMasterRefreshRepeat ?? globals.vrrpGARPMasterRefreshRepeat ?? 1
        garpInterval = .seconds(globals.vrrpGARPInterval ?? 0)
        gnaInterval = .seconds(globals.vrrpGNAInterval ?? 0)
        var tracked = instance.trackInterfaces.map {
            TrackedInterface(name: $0.name, weight: $0.weight ?? 0, reverse: $0.reverse)
        }
        if !instance.dontTrackPrimary, !tracked.contains(where: { $0.name == interface }) {
            tracked.insert(TrackedInterface(name: interface), at: 0)
        }
        notify = instance.notify
        policy = try InstancePolicy(instance, globals: globals)
        trackedScripts = instance.trackScripts.compactMap { item in
            guard let script = scripts.first(where: { $0.name == item.name }) else { return nil }
            return TrackedScript(
                name: item.name, weight: item.weight ?? script.weight,
                reverse: item.weight == nil ? script.reverse : item.reverse,
                grace: .seconds(max(3 * script.interval, 5)))
        }
        trackedFiles = instance.trackFiles.compactMap { item in
            files.first { $0.name == item.name }.map { TrackedFile(item, $0) }
        }
        var seen = Set<String>()
        trackedInterfaces = tracked.filter { seen.insert($0.name).inserted }
    }
}

extension VirtualAddressSpec {
    init(_ line: VirtualAddress, interface: String, instance: String) throws(InstanceSettingsError) {
        guard let address = InetAddress(bytes: line.address.address.bytes) else {
            throw .unsupported(instance: instance, what: "virtual address \(line.address)")
        }
        self.address = address
        self.prefixLength = line.address.length
        self.device = line.device ?? interface
        self.scope = line.scope
        self.label = line.label
        switch line.broadcast {
        case nil, "-":
            broadcast = nil
        case "+":
            let hostBits: UInt32 = prefixLength >= 32 ? 0 : UInt32.max >> UInt32(prefixLength)
            guard case .v4(let value) = address else { throw .unsupported(instance: instance, what: "brd +") }
            broadcast = .v4(value | hostBits)
        case .some(let text):
            guard let parsed = InetAddress(text) else {
                throw .outOfRange(instance: instance, keyword: "brd", value: text)
            }
            broadcast = parsed
        }
    }
}
