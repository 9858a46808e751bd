import CLinux
import IPVS
import Netlink

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The data path: a client namespace asks the VIP for a page, IPVS NATs it to a web server in a
/// real-server namespace, and the answer comes back through the director (this VM's root
/// namespace). Namespaces, veth pairs and busybox httpd run inside the VM; the client is this
/// process, switched into the client namespace for the connection.
extension Cases {
    func natDataPath() throws {
        let commands = [
            "/sbin/ip netns add ipvs-client", "/sbin/ip netns add ipvs-server",
            "/sbin/ip link add dp-cl type veth peer name dp-cl-in", "/sbin/ip link set dp-cl-in netns ipvs-client",
            "/sbin/ip link add dp-rs type veth peer name dp-rs-in", "/sbin/ip link set dp-rs-in netns ipvs-server",
            "/sbin/ip addr add 10.80.2.1/24 dev dp-cl", "/sbin/ip link set dp-cl up",
            "/sbin/ip addr add 10.80.1.1/24 dev dp-rs", "/sbin/ip link set dp-rs up",
            "/sbin/ip -n ipvs-client addr add 10.80.2.2/24 dev dp-cl-in",
            "/sbin/ip -n ipvs-client link set dp-cl-in up",
            "/sbin/ip -n ipvs-client link set lo up", "/sbin/ip -n ipvs-client route add default via 10.80.2.1",
            "/sbin/ip -n ipvs-server addr add 10.80.1.2/24 dev dp-rs-in",
            "/sbin/ip -n ipvs-server link set dp-rs-in up",
            "/sbin/ip -n ipvs-server link set lo up", "/sbin/ip -n ipvs-server route add default via 10.80.1.1",
            "/sbin/ip addr add 10.80.0.1/32 dev lo", "echo 1 > /proc/sys/net/ipv4/ip_forward",
            "mkdir -p /tmp/www", "echo answer-from-real-server > /tmp/www/index.html",
            "/sbin/ip netns exec ipvs-server busybox httpd -p 80 -h /tmp/www",
        ]
        defer {
            _ = try? run("/sbin/ip netns pids ipvs-server | xargs -r kill")
            _ = try? run(
                "/sbin/ip netns del ipvs-client; /sbin/ip netns del ipvs-server; /sbin/ip addr del 10.80.0.1/32 dev lo")
        }
        for command in commands { _ = try run(command) }

        let key = IPVSService.Key.address(.tcp, address("10.80.0.1"), port: 80)
        try ipvs.addService(IPVSService(key, scheduler: "rr"))
        defer { try? ipvs.deleteService(key) }
        try ipvs.addDestination(IPVSDestination(address("10.80.1.2"), port: 80, forwarding: .nat), to: key)

        let client = try inNamespace("ipvs-client") { try TCPSocket.connected(to: "10.80.0.1", port: 80) }
        defer { client.close() }
        try client.send("GET /index.html HTTP/1.0\r\n\r\n")
        var page = ""
        while !page.contains("answer-from-real-server"), let more = try? client.receive() { page += more }
        try expect(page.contains("answer-from-real-server"), "the client got: \(page)")
        let destination = try require(try ipvs.destinations(of: key).first, "destination missing")
        try expect(
            destination.activeConnections + destination.inactiveConnections >= 1,
            "no connection counted: \(destination)")
    }

    /// Runs `body` with this process in the named network namespace, then switches back.
    func inNamespace<T>(_ name: String, _ body: () throws -> T) throws -> T {
        let original = open("/proc/self/ns/net", O_RDONLY)
        let target = open("/run/netns/\(name)", O_RDONLY)
        defer {
            if original >= 0 { close(original) }
            if target >= 0 { close(target) }
        }
        guard original >= 0, target >= 0, clinux_setns_net(target) == 0 else {
            throw CaseFailure("cannot enter namespace \(name): \(String(cString: strerror(errno)))")
        }
        defer { _ = clinux_setns_net(original) }
        return try body()
    }
}
