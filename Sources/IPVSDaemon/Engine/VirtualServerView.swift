import IPVS

/// What ipvsd made of one `virtual_server`: the kernel services it expands to, its quorum and
/// what each real server got. The D-Bus Service object shows this.
public struct VirtualServerView: Hashable, Sendable {
    /// Why a real server is (or is not) in the table.
    public enum DestinationState: String, Hashable, Sendable {
        /// In the table with its weight.
        case active = "ACTIVE"
        /// In the table with weight 0: down with `inhibit_on_failure`, or DRAINED.
        case inhibited = "INHIBITED"
        /// Not in the table: down, DISABLED, or replaced by the sorry server.
        case removed = "REMOVED"
    }

    public struct Destination: Hashable, Sendable {
        /// keepalived's `[10.0.0.2]:80`; the sorry server's name ends with ` (sorry server)`.
        public var name: String
        public var state: DestinationState
        public var weight: Int
        public var forwarding: IPVSForwarding
        public var healthy: Bool
        public var isSorryServer: Bool
    }

    public var name: String
    public var keys: [IPVSService.Key]
    public var scheduler: String
    public var protocolName: String
    public var forwarding: IPVSForwarding
    public var quorum: QuorumRule
    public var quorumUp: Bool
    public var liveWeight: Int
    public var sorryServerActive: Bool
    /// `ha_suspend` with the virtual address not on this host: destinations are left as they are.
    public var suspended: Bool
    public var destinations: [Destination]
    /// Set when the virtual server could not be expanded; it then has no keys.
    public var error: TableError?
}
