/// Traps between the load balancer and VRRP.
struct LVSRules {
    let config: KeepalivedConfiguration

    func findings() -> [LintFinding] {
        // A director without VRRP (addresses set by other means) is a setup of its own.
        guard !config.instances.isEmpty else { return [] }
        let vips = config.instances.flatMap { $0.virtualAddresses + $0.excludedAddresses }.map(\.address.address)
        let present = Set(vips + config.staticAddresses.map(\.address.address))
        return config.virtualServers.compactMap { server in
            guard case .address(let address, _) = server.service, !present.contains(address) else { return nil }
            let listed = vips.isEmpty ? "" : " (\(vips.map(\.description).joined(separator: ", ")))"
            return LintFinding(
                .virtualServerNotVIP, at: server.origin.location ?? unknownLocation,
                "virtual_server \(server.service) is on an address that is not a VIP of this file",
                why: "the service does not move with VRRP: after a failover clients reach the new master's VIP, "
                    + "where this service is not, or the old director keeps an address nobody routes to it",
                fix: "use one of the VIPs\(listed) as the virtual_server address, or add \(address) to a "
                    + "vrrp_instance's virtual_ipaddress")
        }
    }
}

/// `auth_pass` longer than the eight characters a VRRPv2 advert carries. The model keeps only the
/// characters that are used, so the written words are looked at when they are at hand.
enum AuthenticationRules {
    static func findings(config: KeepalivedConfiguration, syntax: [Statement]) -> [LintFinding] {
        if syntax.isEmpty {
            return config.instances.compactMap { instance in
                guard let password = instance.authentication?.password, password.count > 8 else { return nil }
                return finding(instance.name, password, at: instance.origin.at("authentication"))
            }
        }
        return syntax.filter { $0.keyword.text == "vrrp_instance" }.flatMap { block in
            let name = block.arguments.first?.text ?? "?"
            let passwords = (block.block ?? []).filter { $0.keyword.text == "authentication" }
                .flatMap { $0.block ?? [] }.filter { $0.keyword.text == "auth_pass" }
                .compactMap(\.arguments.first)
            return passwords.filter { $0.text.count > 8 }.map { finding(name, $0.text, at: $0.location) }
        }
    }

    static func finding(_ name: String, _ password: String, at location: SourceLocation) -> LintFinding {
        let used = String(password.prefix(8))
        return LintFinding(
            .longAuthPass, at: location,
            "(\(name)) auth_pass is \(password.count) characters; only the first 8 are sent",
            why: "the advert has room for 8 bytes: every password starting with '\(used)' is accepted, and a peer "
                + "that keeps the whole password (another VRRP implementation) refuses our adverts",
            fix: "write 'auth_pass \(used)' on every node (PASS is plain text on the wire anyway: "
                + "prefer no authentication on a trusted link)")
    }
}
