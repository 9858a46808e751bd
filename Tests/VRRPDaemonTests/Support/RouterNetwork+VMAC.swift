import Foundation

/// What the VMAC tests (IPv4 and IPv6, vrrpd alone and with keepalived) read back from a
/// router namespace: the macvlan as `ip -d link` shows it, and per-interface sysctls.
extension RouterNetwork {
    /// `ip -d -j link show dev NAME` in a namespace, or nil when there is no such link.
    func link(_ name: String, in namespace: String) throws -> [String: Any]? {
        guard let output = try? run("/usr/sbin/ip", ["-n", namespace, "-d", "-j", "link", "show", "dev", name])
        else { return nil }
        return (try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]])?.first
    }

    /// `net.FAMILY.conf.INTERFACE.NAME` in a namespace (`family` is `ipv4` or `ipv6`).
    func sysctl(_ namespace: String, _ interface: String, _ name: String, family: String = "ipv4") throws -> String {
        try run(
            "/usr/sbin/ip", ["netns", "exec", namespace, "cat", "/proc/sys/net/\(family)/conf/\(interface)/\(name)"]
        )
        .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether the client gets an answer from `address` (the IPv4 VIP by default).
    func clientPings(_ address: String? = nil) -> Bool {
        let target = address ?? virtualAddress
        let family = target.contains(":") ? ["-6"] : []
        let arguments = ["netns", "exec", c, "ping"] + family + ["-c", "1", "-W", "1", target]
        return (try? run("/usr/sbin/ip", arguments)) != nil
    }
}

extension RouterNetwork {
    /// tcpdump on the client's interface with link-layer headers (`-e`), so the sending MAC of
    /// each frame can be checked; stop it with SIGKILL.
    func captureOnClient(_ filter: String, directory: String) throws -> ChildProcess {
        try ChildProcess(
            "/usr/sbin/ip",
            ["netns", "exec", c, "/usr/bin/tcpdump", "-i", interfaceC, "-n", "-l", "-e", filter],
            logPath: directory + "/capture")
    }
}
