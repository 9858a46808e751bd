import Foundation
import ScriptRunner
import Synchronization

/// A namespace at the far end of a veth pair, running an HTTP server (`python3 -m http.server`,
/// dual stack, answering 200 on `/`) on every address inside: for checks that only reach it
/// through a given interface (`bind_if`) or with a given mark (`fwmark`).
///
/// Routing on the host: `markedAddress` goes via the veth from `markedSource` in table `table`,
/// which only packets carrying `mark` look up; every other packet to it goes via the veth from
/// `unmarkedSource`, an address the namespace has no route back to, so it never gets an answer.
/// Both paths leave by the veth, so rp_filter passes either way.
struct PeerNamespace: Sendable {
    let namespace: String
    let hostLink: String
    let port = 8080
    /// The namespace's link-local address on the veth, reachable only through `hostLink`.
    let linkLocalPeer = "fe80::2"
    let markedAddress: String
    let mark: UInt32
    let table: Int
    private let server: ScriptProcess?

    private static let counter = Atomic<Int>(0)

    /// An empty directory: the server answers `/` with its (empty) listing and 200.
    private static let documentRoot: String = {
        let path = NSTemporaryDirectory() + "kapeer-root-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    static func create() async throws -> PeerNamespace {
        let index = (Int(getpid()) * 11 + counter.add(1, ordering: .relaxed).newValue) % 250 + 1
        let namespace = "kapeer-\(getpid())-\(index)"
        let hostLink = "kpr\(getpid() % 100_000)n\(index)"
        let link = "10.215.\(index)"
        var peer = PeerNamespace(
            namespace: namespace, hostLink: hostLink, markedAddress: "10.216.\(index).1",
            mark: 0x6b61_0000 + UInt32(index), table: 30_000 + index, server: nil)
        try await shell("ip netns add \(namespace) && ip -n \(namespace) link set lo up")
        do {
            let inside = "ip -n \(namespace)"
            try await shell("ip link add \(hostLink) type veth peer name eth0 netns \(namespace)")
            try await shell("ip addr add \(link).1/30 dev \(hostLink)")
            try await shell("ip addr add 10.218.\(index).1/32 dev \(hostLink)")
            try await shell("ip -6 addr add fe80::1/64 dev \(hostLink) nodad")
            try await shell("ip link set \(hostLink) up")
            try await shell("\(inside) addr add \(link).2/30 dev eth0")
            try await shell("\(inside) -6 addr add \(peer.linkLocalPeer)/64 dev eth0 nodad")
            try await shell("\(inside) addr add \(peer.markedAddress)/32 dev lo")
            try await shell("\(inside) link set eth0 up")
            try await shell("ip route add \(peer.markedAddress)/32 via \(link).2 dev \(hostLink) src 10.218.\(index).1")
            try await shell(
                "ip route add \(peer.markedAddress)/32 via \(link).2 dev \(hostLink) src \(link).1 table \(peer.table)")
            try await shell("ip rule add fwmark \(peer.mark) lookup \(peer.table) priority \(peer.table)")
            peer = try await peer.startingServer()
        } catch {
            await peer.delete()
            throw error
        }
        return peer
    }

    private func startingServer() async throws -> PeerNamespace {
        let process = try ScriptProcess.spawn(
            ScriptInvocation(
                command: ScriptCommand(
                    program: "/usr/sbin/ip",
                    arguments: [
                        "netns", "exec", namespace, "/usr/bin/python3", "-m", "http.server", "--bind", "::",
                        "--directory", Self.documentRoot, "\(port)",
                    ]),
                timeout: .seconds(300)))
        let started = PeerNamespace(
            namespace: namespace, hostLink: hostLink, markedAddress: markedAddress, mark: mark, table: table,
            server: process)
        for _ in 0..<400 {
            let listening = try await command("/usr/sbin/ip", ["netns", "exec", namespace, "ss", "-Hltn"])
            if listening.contains(":\(port)") { return started }
            try await Task.sleep(for: .milliseconds(25))
        }
        await started.delete()
        throw NotListening(namespace: namespace)
    }

    /// Removes the rule, the server, the namespace and the veth pair (with the routes through it).
    func delete() async {
        server?.kill()
        try? await shell("ip rule del fwmark \(mark) lookup \(table) priority \(table)")
        try? await shell("ip route flush table \(table)")
        try? await shell("ip link del \(hostLink)")
        try? await shell("ip netns del \(namespace)")
    }

    struct NotListening: Error {
        var namespace: String
    }
}

/// Runs `body` with a fresh peer namespace, deleted on every path.
func withPeerNamespace<T>(_ body: (PeerNamespace) async throws -> T) async throws -> T {
    let peer = try await PeerNamespace.create()
    do {
        let value = try await body(peer)
        await peer.delete()
        return value
    } catch {
        await peer.delete()
        throw error
    }
}
