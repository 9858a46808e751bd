import Foundation
import Synchronization

/// Two "router" namespaces on one switch: `vra` (10.N.M.1/24) in `a` and `vrb` (10.N.M.2/24)
/// in `b` are veth pairs whose other ends are ports of a bridge in a third namespace, so one
/// router's link going down leaves the other's carrier up, as on a real LAN. Names carry the
/// pid and a counter; every namespace is deleted on every path.
struct RouterNetwork: Sendable {
    private static let counter = Atomic<Int>(0)

    let a: String
    let b: String
    /// The switch: bridge `br0` with ports `pa` (to `a`), `pb` (to `b`) and `pc` (to `c`).
    let s: String
    /// A client on the same LAN: `vrc` (10.N.M.3/24).
    let c: String
    let interfaceC = "vrc"
    let interfaceA = "vra"
    let interfaceB = "vrb"
    private let prefix: String
    /// `fd00:N:M:`: the IPv6 /64 of the LAN (M is never 0, so the text is canonical).
    let prefix6: String

    /// `10.N.M.host`.
    func address(_ host: Int) -> String { "\(prefix).\(host)" }
    var addressA: String { address(1) }
    var addressB: String { address(2) }
    /// The virtual address the tests configure.
    var virtualAddress: String { address(100) }

    private init() {
        let number = Self.counter.add(1, ordering: .relaxed).newValue
        let pid = getpid()
        a = "kavd-\(pid)-\(number)-a"
        b = "kavd-\(pid)-\(number)-b"
        s = "kavd-\(pid)-\(number)-s"
        c = "kavd-\(pid)-\(number)-c"
        prefix = "10.\(150 + number % 100).\(pid % 250)"
        prefix6 = "fd00:\(150 + number % 100):\(pid % 250 + 1):"
    }

    static func with<Result>(_ body: (RouterNetwork) async throws -> Result) async throws -> Result {
        let network = RouterNetwork()
        defer { network.delete() }
        try network.create()
        return try await body(network)
    }

    private func create() throws {
        for namespace in [a, b, s, c] {
            try ip("netns", "add", namespace)
            // No duplicate address detection: IPv6 link-local addresses work as soon as the
            // link is up, not a second or two later.
            try run(
                "/usr/sbin/ip", ["netns", "exec", namespace, "sysctl", "-qw", "net.ipv6.conf.default.accept_dad=0"])
        }
        try ip("-n", s, "link", "add", "br0", "type", "bridge", "stp_state", "0", "mcast_snooping", "0")
        try ip("-n", s, "link", "set", "br0", "up")
        let hosts = [
            (a, interfaceA, addressA, "pa"), (b, interfaceB, addressB, "pb"), (c, interfaceC, address(3), "pc"),
        ]
        for (namespace, interface, address, port) in hosts {
            try ip("-n", s, "link", "add", port, "type", "veth", "peer", "name", interface, "netns", namespace)
            try ip("-n", s, "link", "set", port, "master", "br0")
            try ip("-n", s, "link", "set", port, "up")
            try ip("-n", namespace, "address", "add", "\(address)/24", "dev", interface)
            let host = address.split(separator: ".").last!
            try ip("-n", namespace, "address", "add", "\(prefix6):\(host)/64", "dev", interface, "nodad")
            try ip("-n", namespace, "link", "set", "lo", "up")
            try ip("-n", namespace, "link", "set", interface, "up")
        }
    }

    private func delete() {
        for namespace in [a, b, s, c] { _ = try? ip("netns", "delete", namespace) }
    }

    /// The IPv4 addresses on `interface` in `namespace`, read with `ip -j addr`.
    func addresses(in namespace: String, interface: String) throws -> [String] {
        let json = try run("/usr/sbin/ip", ["-n", namespace, "-j", "-4", "addr", "show", "dev", interface])
        guard let links = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] else {
            throw TestFailure("unexpected ip -j output: \(json)")
        }
        return links.flatMap { ($0["addr_info"] as? [[String: Any]]) ?? [] }.compactMap { $0["local"] as? String }
    }

    /// Whether the namespace holds the virtual address on its veth end.
    func holdsVirtualAddress(_ namespace: String) throws -> Bool {
        try addresses(in: namespace, interface: namespace == a ? interfaceA : interfaceB).contains(virtualAddress)
    }

    func interface(of namespace: String) -> String { namespace == a ? interfaceA : interfaceB }

    /// The MAC of a router's interface, as `ip -j link` shows it.
    func hardwareAddress(of namespace: String) throws -> String {
        let json = try run("/usr/sbin/ip", ["-n", namespace, "-j", "link", "show", "dev", interface(of: namespace)])
        let links = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]]
        guard let mac = links?.first?["address"] as? String else { throw TestFailure("no MAC in \(json)") }
        return mac
    }

    /// The MAC the client's neighbour table holds for the virtual address, if any.
    func clientNeighbour() throws -> String? {
        let json = try run("/usr/sbin/ip", ["-n", c, "-j", "neigh", "show", virtualAddress, "dev", interfaceC])
        let entries = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]]
        return entries?.first?["lladdr"] as? String
    }
}
