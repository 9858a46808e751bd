import Foundation

/// The IPv6 side of `RouterNetwork`: every host also has `fd00:N:M::host/64` (no DAD), and the
/// tests use `fd00:N:M::100` as the IPv6 virtual address.
extension RouterNetwork {
    /// `fd00:N:M::host`.
    func address6(_ host: Int) -> String { "\(prefix6):\(host)" }
    var address6A: String { address6(1) }
    var address6B: String { address6(2) }
    var virtualAddress6: String { address6(100) }

    /// The IPv6 addresses on `interface` in `namespace` with their flags (`nodad` ...), read
    /// with `ip -j -6 addr`.
    func addresses6(in namespace: String, interface: String) throws -> [(address: String, flags: Set<String>)] {
        let json = try run("/usr/sbin/ip", ["-n", namespace, "-j", "-6", "addr", "show", "dev", interface])
        guard let links = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] else {
            throw TestFailure("unexpected ip -j output: \(json)")
        }
        return links.flatMap { ($0["addr_info"] as? [[String: Any]]) ?? [] }.compactMap { info in
            guard let local = info["local"] as? String else { return nil }
            let flags = ["nodad", "tentative", "dadfailed"].filter { info[$0] as? Bool == true }
            return (local, Set(flags))
        }
    }

    /// Whether the router namespace holds `address` (the IPv6 VIP by default) on its veth end.
    func holdsVirtualAddress6(_ namespace: String, _ address: String? = nil) throws -> Bool {
        let wanted = address ?? virtualAddress6
        return try addresses6(in: namespace, interface: interface(of: namespace)).contains { $0.address == wanted }
    }

    /// The link-local address of a router's interface: where its IPv6 adverts come from.
    func linkLocal(of namespace: String) throws -> String {
        let link = namespace == c ? interfaceC : interface(of: namespace)
        guard
            let address = try addresses6(in: namespace, interface: link).first(where: { $0.address.hasPrefix("fe80:") })
        else { throw TestFailure("no link-local address on \(link) in \(namespace)") }
        return address.address
    }

    /// The MAC the client's neighbour table holds for the IPv6 virtual address, if any.
    func clientNeighbour6() throws -> String? {
        let json = try run("/usr/sbin/ip", ["-n", c, "-j", "-6", "neigh", "show", virtualAddress6, "dev", interfaceC])
        let entries = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]]
        return entries?.first?["lladdr"] as? String
    }
}

extension TestInstance {
    /// A VRRPv3 instance for the IPv6 virtual address.
    static func ipv6(on network: RouterNetwork, _ namespace: String, priority: Int) -> TestInstance {
        TestInstance(
            interface: network.interface(of: namespace), priority: priority, virtualAddress: network.virtualAddress6,
            prefixLength: 64)
    }
}

extension TwoRouters {
    /// Two vrrpd routers with whole configurations (several instances each).
    static func with<Result>(
        configurationA: (RouterNetwork) -> String, configurationB: (RouterNetwork) -> String,
        _ body: (TwoRouters) async throws -> Result
    ) async throws -> Result {
        try await RouterNetwork.with { network in
            try await PrivateBus.with { busA in
                try await PrivateBus.with { busB in
                    try await VRRPDProcess.with(namespace: network.a, configuration: configurationA(network), bus: busA)
                    {
                        a in
                        try await VRRPDProcess.with(
                            namespace: network.b, configuration: configurationB(network), bus: busB
                        ) { b in
                            try await body(TwoRouters(network: network, a: a, b: b))
                        }
                    }
                }
            }
        }
    }
}
