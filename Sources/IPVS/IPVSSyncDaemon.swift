import CNetlinkGenl
import Netlink

/// The kernel's connection synchronisation daemon (`ipvsadm --start-daemon`, keepalived's
/// `lvs_sync_daemon`): a master sends connection state to the backups of the same sync ID.
public struct IPVSSyncDaemon: Hashable, Sendable {
    public enum Role: UInt32, Hashable, Sendable {
        case master = 1  // IP_VS_STATE_MASTER
        case backup = 2  // IP_VS_STATE_BACKUP
    }

    public var role: Role
    /// The interface the multicast goes out of (`mcast-interface`).
    public var interface: String
    /// `syncid`, 0...255.
    public var syncID: UInt8
    /// `sync-maxlen`: UDP payload size; nil lets the kernel choose from the MTU.
    public var maximumLength: UInt16?
    /// `mcast-group`; nil is 224.0.0.81.
    public var group: IPAddress?
    /// `mcast-port`; nil is 8848.
    public var port: UInt16?
    /// `mcast-ttl`; nil is 1.
    public var ttl: UInt8?

    public init(
        role: Role, interface: String, syncID: UInt8, maximumLength: UInt16? = nil, group: IPAddress? = nil,
        port: UInt16? = nil, ttl: UInt8? = nil
    ) {
        self.role = role
        self.interface = interface
        self.syncID = syncID
        self.maximumLength = maximumLength
        self.group = group
        self.port = port
        self.ttl = ttl
    }
}

extension IPVS {
    /// The sync daemons running now (a master, a backup, or both).
    public func syncDaemons() throws(IPVSError) -> [IPVSSyncDaemon] {
        var daemons: [IPVSSyncDaemon] = []
        for reply in try request(IPVS_CMD_GET_DAEMON, dump: true, operation: "list IPVS sync daemons") {
            guard let table = try reply.nested(Int(IPVS_CMD_ATTR_DAEMON)),
                let state = table.u32(Int(IPVS_DAEMON_ATTR_STATE)), let role = IPVSSyncDaemon.Role(rawValue: state)
            else { continue }
            var group: IPAddress?
            if let bytes = table[Int(IPVS_DAEMON_ATTR_MCAST_GROUP6)], bytes.count == 16 {
                group = IPAddress(family: .ipv6, bytes: Array(bytes))
            } else if let bytes = table[Int(IPVS_DAEMON_ATTR_MCAST_GROUP)], bytes.count == 4 {
                group = IPAddress(family: .ipv4, bytes: Array(bytes))
            }
            daemons.append(
                IPVSSyncDaemon(
                    role: role, interface: table.string(Int(IPVS_DAEMON_ATTR_MCAST_IFN)) ?? "",
                    syncID: UInt8(truncatingIfNeeded: table.u32(Int(IPVS_DAEMON_ATTR_SYNC_ID)) ?? 0),
                    maximumLength: table.u16(Int(IPVS_DAEMON_ATTR_SYNC_MAXLEN)), group: group,
                    port: table.u16(Int(IPVS_DAEMON_ATTR_MCAST_PORT)),
                    ttl: table.u8(Int(IPVS_DAEMON_ATTR_MCAST_TTL))))
        }
        return daemons
    }

    /// Starts a sync daemon; the kernel refuses (EEXIST) when one of that role already runs.
    public func startSyncDaemon(_ daemon: IPVSSyncDaemon) throws(IPVSError) {
        guard !daemon.interface.isEmpty, daemon.interface.utf8.count < 16 else {  // IP_VS_IFNAME_MAXLEN
            throw .invalidArgument("sync daemon interface \"\(daemon.interface)\"")
        }
        var writer = AttributeWriter()
        writer.putNested(Int(IPVS_CMD_ATTR_DAEMON)) { inner in
            inner.put(Int(IPVS_DAEMON_ATTR_STATE), u32: daemon.role.rawValue)
            inner.put(Int(IPVS_DAEMON_ATTR_MCAST_IFN), string: daemon.interface)
            inner.put(Int(IPVS_DAEMON_ATTR_SYNC_ID), u32: UInt32(daemon.syncID))
            if let length = daemon.maximumLength { inner.put(Int(IPVS_DAEMON_ATTR_SYNC_MAXLEN), u16: length) }
            if let group = daemon.group {
                let type = group.family == .ipv4 ? IPVS_DAEMON_ATTR_MCAST_GROUP : IPVS_DAEMON_ATTR_MCAST_GROUP6
                inner.put(Int(type), payload: group.bytes)
            }
            // Host order, unlike service and destination ports: the kernel adds the thread id to it.
            if let port = daemon.port { inner.put(Int(IPVS_DAEMON_ATTR_MCAST_PORT), u16: port) }
            if let ttl = daemon.ttl { inner.put(Int(IPVS_DAEMON_ATTR_MCAST_TTL), u8: ttl) }
        }
        try request(
            IPVS_CMD_NEW_DAEMON, operation: "start IPVS sync daemon (\(daemon.role), \(daemon.interface))",
            attributes: writer)
    }

    /// Stops the sync daemon of `role`; the kernel answers ESRCH when none runs.
    ///
    /// A stop that comes before the daemon's kernel thread first ran (a stop right after a
    /// start) makes the kernel's handler return EINTR, which netlink never acknowledges: the
    /// request then goes unanswered, and the daemon's absence from the list is the answer.
    public func stopSyncDaemon(_ role: IPVSSyncDaemon.Role) throws(IPVSError) {
        var writer = AttributeWriter()
        writer.putNested(Int(IPVS_CMD_ATTR_DAEMON)) { $0.put(Int(IPVS_DAEMON_ATTR_STATE), u32: role.rawValue) }
        do throws(IPVSError) {
            try request(IPVS_CMD_DEL_DAEMON, operation: "stop IPVS sync daemon (\(role))", attributes: writer)
        } catch .noAnswer(let operation) {
            guard try syncDaemons().contains(where: { $0.role == role }) else { return }
            throw .noAnswer(operation: operation)
        }
    }
}
