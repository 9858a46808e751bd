import CLinux
import IPVS
import Netlink

/// DR on a shared L2 segment: client, director (this VM's root namespace) and real server on one
/// bridge. The director only rewrites the MAC address; the real server holds the VIP on its
/// loopback (hidden from ARP) and answers the client directly.
extension Cases {
    func drDataPath() throws {
        var commands = [
            "/sbin/ip netns add dr-client", "/sbin/ip netns add dr-server",
            "/sbin/ip link add dr-br type bridge", "/sbin/ip link set dr-br up",
            "/sbin/ip addr add 10.81.0.1/24 dev dr-br", "/sbin/ip addr add 10.81.0.100/32 dev dr-br",
        ]
        for (namespace, address) in [("dr-client", "10.81.0.2"), ("dr-server", "10.81.0.3")] {
            commands += [
                "/sbin/ip link add \(namespace)-br type veth peer name \(namespace)-in",
                "/sbin/ip link set \(namespace)-br master dr-br", "/sbin/ip link set \(namespace)-br up",
                "/sbin/ip link set \(namespace)-in netns \(namespace)",
                "/sbin/ip -n \(namespace) addr add \(address)/24 dev \(namespace)-in",
                "/sbin/ip -n \(namespace) link set \(namespace)-in up", "/sbin/ip -n \(namespace) link set lo up",
            ]
        }
        commands += [
            "/sbin/ip -n dr-server addr add 10.81.0.100/32 dev lo",
            "/sbin/ip netns exec dr-server sh -c 'echo 1 > /proc/sys/net/ipv4/conf/all/arp_ignore;"
                + " echo 2 > /proc/sys/net/ipv4/conf/all/arp_announce'",
            "mkdir -p /tmp/dr-www", "echo answer-over-dr > /tmp/dr-www/index.html",
            "/sbin/ip netns exec dr-server busybox httpd -p 80 -h /tmp/dr-www",
        ]
        defer {
            _ = try? run("/sbin/ip netns pids dr-server | xargs -r kill")
            _ = try? run(
                "/sbin/ip netns del dr-client; /sbin/ip netns del dr-server; /sbin/ip link del dr-br")
        }
        for command in commands { _ = try run(command) }

        let key = IPVSService.Key.address(.tcp, address("10.81.0.100"), port: 80)
        try ipvs.addService(IPVSService(key, scheduler: "rr"))
        defer { try? ipvs.deleteService(key) }
        try ipvs.addDestination(
            IPVSDestination(address("10.81.0.3"), port: 80, forwarding: .directRouting), to: key)

        let client = try inNamespace("dr-client") { try TCPSocket.connected(to: "10.81.0.100", port: 80) }
        defer { client.close() }
        try client.send("GET /index.html HTTP/1.0\r\n\r\n")
        var page = ""
        while !page.contains("answer-over-dr"), let more = try? client.receive() { page += more }
        try expect(page.contains("answer-over-dr"), "the client got: \(page)")
        let destination = try require(try ipvs.destinations(of: key).first, "destination missing")
        try expect(
            destination.activeConnections + destination.inactiveConnections >= 1,
            "no connection counted: \(destination)")
    }
}
