import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// One per-interface (or `all`/`default`) sysctl under /proc/sys/net, in the calling
/// process's network namespace.
struct Sysctl: Hashable, Sendable, CustomStringConvertible {
    /// `ipv4` or `ipv6`.
    var family: String
    /// An interface name, `all` or `default`.
    var interface: String
    var name: String

    static func ipv4(_ interface: String, _ name: String) -> Sysctl {
        Sysctl(family: "ipv4", interface: interface, name: name)
    }

    var path: String { "/proc/sys/net/\(family)/conf/\(interface)/\(name)" }
    var description: String { "net.\(family).conf.\(interface).\(name)" }

    /// The value, or nil when the file cannot be read (no such interface, no IPv6).
    func read() -> Int? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[..<count], as: UTF8.self)
        return text.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) }
    }

    func write(_ value: Int) throws(SysctlError) {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotWrite(description, value: value, errno: errno) }
        defer { close(fd) }
        let text = Array("\(value)\n".utf8)
        let written = text.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == text.count else { throw .cannotWrite(description, value: value, errno: errno) }
    }
}

public enum SysctlError: Error, Hashable, Sendable, CustomStringConvertible {
    case cannotWrite(String, value: Int, errno: Int32)

    public var description: String {
        switch self {
        case .cannotWrite(let name, let value, let code):
            "cannot set \(name) to \(value): \(String(cString: strerror(code)))"
        }
    }
}

/// The sysctls VMACs need beyond their own macvlan, changed while any VMAC needs them and put
/// back when the last one goes (keepalived's vrrp_if_config.c): `arp_ignore=1` and
/// `arp_filter=1` on each parent, so only the macvlan answers ARP for the VIPs (and
/// `arp_announce=2`, see `parentValues`); and
/// `all.rp_filter=0`, without which the macvlan's `rp_filter=0` does nothing (every interface
/// keeps its effective filter: `default` and each one are raised to the old `all` first).
///
/// One per process (the sysctls are the namespace's); a `Mutex` guards the bookkeeping.
final class VMACSysctls: Sendable {
    static let shared = VMACSysctls()

    private struct State {
        /// Parent name to the VMACs on it and the values found before the first.
        var parents: [String: (users: Int, saved: [(Sysctl, Int)])] = [:]
        /// VMACs alive, and what clearing `all.rp_filter` changed.
        var rpFilterUsers = 0
        var rpFilterSaved: [(Sysctl, Int)] = []
    }

    private let state = Mutex(State())

    /// keepalived's two, plus `arp_announce=2`: replies from a VIP leave through the parent
    /// (its prefix route comes first), and with the default 0 the parent's ARP request for
    /// the client would carry the VIP as sender, teaching the client the parent's MAC for it.
    /// keepalived 2.2.7 does exactly that (measured); the parent's own address avoids it.
    static let parentValues = [("arp_ignore", 1), ("arp_filter", 1), ("arp_announce", 2)]

    /// Sets the parent's and the namespace's sysctls for one more VMAC on `parent`, and the
    /// macvlan's own. Returns log lines for what changed.
    func acquire(parent: String, vmac: String) throws(SysctlError) -> [String] {
        try state.withLock { (state) throws(SysctlError) -> [String] in
            var changes: [String] = []
            if state.rpFilterUsers == 0 {
                state.rpFilterSaved = try Self.clearAllRPFilter(&changes)
            }
            state.rpFilterUsers += 1
            if var entry = state.parents[parent] {
                entry.users += 1
                state.parents[parent] = entry
            } else {
                var saved: [(Sysctl, Int)] = []
                for (name, value) in Self.parentValues {
                    let sysctl = Sysctl.ipv4(parent, name)
                    guard let old = sysctl.read(), old != value else { continue }
                    try sysctl.write(value)
                    saved.append((sysctl, old))
                    changes.append("setting \(sysctl) from \(old) to \(value)")
                }
                state.parents[parent] = (1, saved)
            }
            for (name, value) in [("arp_ignore", 1), ("accept_local", 1), ("rp_filter", 0)] {
                try Sysctl.ipv4(vmac, name).write(value)
            }
            // An IPv4 VMAC must send nothing of its own: IPv6 DAD or router solicitations from
            // the shared MAC on a BACKUP would teach switches the wrong port.
            try? Sysctl(family: "ipv6", interface: vmac, name: "disable_ipv6").write(1)
            return changes
        }
    }

    /// One VMAC on `parent` is gone: the last one puts the parent's values back, and the
    /// last VMAC of all puts `rp_filter` back. Returns log lines, failures included.
    func release(parent: String) -> [String] {
        state.withLock { state in
            var changes: [String] = []
            if var entry = state.parents[parent] {
                entry.users -= 1
                if entry.users > 0 {
                    state.parents[parent] = entry
                } else {
                    state.parents[parent] = nil
                    changes += Self.restore(entry.saved)
                }
            }
            state.rpFilterUsers = max(0, state.rpFilterUsers - 1)
            if state.rpFilterUsers == 0 {
                changes += Self.restore(state.rpFilterSaved)
                state.rpFilterSaved = []
            }
            return changes
        }
    }

    private static func clearAllRPFilter(_ changes: inout [String]) throws(SysctlError) -> [(Sysctl, Int)] {
        let all = Sysctl.ipv4("all", "rp_filter")
        guard let value = all.read(), value != 0 else { return [] }
        var saved: [(Sysctl, Int)] = []
        for interface in ["default"] + interfaceNames() {
            let sysctl = Sysctl.ipv4(interface, "rp_filter")
            guard let old = sysctl.read(), old < value else { continue }
            try sysctl.write(value)
            saved.append((sysctl, old))
            changes.append("setting \(sysctl) from \(old) to \(value)")
        }
        try all.write(0)
        saved.append((all, value))
        changes.append("setting \(all) from \(value) to 0")
        return saved
    }

    private static func restore(_ saved: [(Sysctl, Int)]) -> [String] {
        saved.reversed().map { sysctl, value in
            do {
                try sysctl.write(value)
                return "restoring \(sysctl) to \(value)"
            } catch {
                return "\(error)"
            }
        }
    }

    /// The interfaces under /proc/sys/net/ipv4/conf, `all` and `default` left out.
    private static func interfaceNames() -> [String] {
        guard let directory = opendir("/proc/sys/net/ipv4/conf") else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if !["all", "default", ".", ".."].contains(name) { names.append(name) }
        }
        return names
    }
}
