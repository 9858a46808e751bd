import Foundation
import Synchronization

/// A namespace behind a veth link with a host route into it, for the failures loopback cannot
/// give: `unreachable` (the namespace answers ICMP host unreachable) and `blackhole` (packets
/// vanish, so a connect or ping times out). Traffic stays between the host and this namespace.
struct RoutedNamespace: Sendable {
    let namespace: String
    let hostLink: String
    /// Routed into the namespace, which answers ICMP host unreachable.
    let unreachable: String
    /// Routed into the namespace, which drops it silently.
    let blackhole: String
    /// The namespace's own end of the link (answers pings).
    let peer: String

    private static let counter = Atomic<Int>(0)

    static func create() async throws -> RoutedNamespace {
        let index = (Int(getpid()) * 7 + counter.add(1, ordering: .relaxed).newValue) % 250 + 1
        let namespace = "kachk-\(getpid())-\(index)"
        try await shell("ip netns add \(namespace) && ip -n \(namespace) link set lo up")
        let hostLink = "kch\(getpid() % 100_000)n\(index)"
        let link = "10.213.\(index)"
        let routed = "10.214.\(index)"
        let routedNamespace = RoutedNamespace(
            namespace: namespace, hostLink: hostLink, unreachable: "\(routed).1", blackhole: "\(routed).2",
            peer: "\(link).2")
        do {
            try await shell("ip link add \(hostLink) type veth peer name eth0 netns \(namespace)")
            try await shell("ip addr add \(link).1/30 dev \(hostLink)")
            try await shell("ip link set \(hostLink) up")
            try await shell("ip route add \(routed).0/24 via \(link).2 dev \(hostLink)")
            let inside = "ip netns exec \(namespace)"
            try await shell("\(inside) ip addr add \(link).2/30 dev eth0")
            try await shell("\(inside) ip link set eth0 up")
            try await shell("\(inside) sysctl -qw net.ipv4.ip_forward=1")
            try await shell("\(inside) ip route add unreachable \(routed).1/32")
            try await shell("\(inside) ip route add blackhole \(routed).2/32")
        } catch {
            await routedNamespace.delete()
            throw error
        }
        return routedNamespace
    }

    /// Deleting the namespace deletes the veth pair, and the host route with it.
    func delete() async {
        try? await shell("ip link del \(hostLink)")
        try? await shell("ip netns del \(namespace)")
    }
}

/// Runs `body` with a fresh routed namespace, deleted on every path.
func withRoutedNamespace<T>(_ body: (RoutedNamespace) async throws -> T) async throws -> T {
    let namespace = try await RoutedNamespace.create()
    do {
        let value = try await body(namespace)
        await namespace.delete()
        return value
    } catch {
        await namespace.delete()
        throw error
    }
}
