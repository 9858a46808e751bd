import Foundation
import Synchronization

/// Two "router" namespaces joined by a veth pair: `vra` (10.N.M.1/24) in `a`, `vrb`
/// (10.N.M.2/24) in `b`. Names carry the pid and a counter; both namespaces are deleted on
/// every path.
struct RouterNetwork: Sendable {
    private static let counter = Atomic<Int>(0)

    let a: String
    let b: String
    let interfaceA = "vra"
    let interfaceB = "vrb"
    private let prefix: String

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
        prefix = "10.\(150 + number % 100).\(pid % 250)"
    }

    static func with<Result>(_ body: (RouterNetwork) async throws -> Result) async throws -> Result {
        let network = RouterNetwork()
        defer { network.delete() }
        try network.create()
        return try await body(network)
    }

    private func create() throws {
        try ip("netns", "add", a)
        try ip("netns", "add", b)
        try ip("link", "add", interfaceA, "netns", a, "type", "veth", "peer", "name", interfaceB, "netns", b)
        try ip("-n", a, "address", "add", "\(addressA)/24", "dev", interfaceA)
        try ip("-n", b, "address", "add", "\(addressB)/24", "dev", interfaceB)
        for (namespace, interface) in [(a, interfaceA), (b, interfaceB)] {
            try ip("-n", namespace, "link", "set", "lo", "up")
            try ip("-n", namespace, "link", "set", interface, "up")
        }
    }

    private func delete() {
        _ = try? ip("netns", "delete", a)
        _ = try? ip("netns", "delete", b)
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
}
