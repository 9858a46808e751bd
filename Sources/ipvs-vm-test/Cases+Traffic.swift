import IPVS
import Netlink

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Real traffic through IPVS inside the VM: a local client connects to a virtual service whose
/// real server is this machine ("Local" forwarding), so the counters and connection counts the
/// API reads are non-zero and can be checked against ipvsadm.
extension Cases {
    func localTrafficCounters() throws {
        _ = try run("/sbin/ip addr add 10.99.0.1/32 dev lo")
        defer { _ = try? run("/sbin/ip addr del 10.99.0.1/32 dev lo") }
        let key = IPVSService.Key.address(.tcp, address("10.99.0.1"), port: 80)
        try ipvs.addService(IPVSService(key, scheduler: "rr"))
        defer { try? ipvs.deleteService(key) }
        try ipvs.addDestination(IPVSDestination(address("10.99.0.1"), port: 80, forwarding: .local), to: key)
        let destination = try require(try ipvs.destinations(of: key).first, "destination missing")
        try expect(destination.forwarding == .local, "a local real server reads as \(destination.forwarding)")

        let listener = try TCPSocket.listening(port: 80)
        defer { listener.close() }
        let client = try TCPSocket.connected(to: "10.99.0.1", port: 80)
        defer { client.close() }
        let server = try listener.accept()
        defer { server.close() }
        try client.send("hello through IPVS")
        try expect(try server.receive() == "hello through IPVS", "the payload did not arrive")

        let read = try require(try ipvs.destinations(of: key).first, "destination missing")
        try expect(read.activeConnections == 1, "active connections \(read.activeConnections)")
        // The kernel folds its per-CPU counters into what it reports every 2 s (estimator timer).
        var service = try require(try ipvs.service(key), "service missing")
        for _ in 0..<30 where service.stats.connections == 0 {
            usleep(200_000)
            service = try require(try ipvs.service(key), "service missing")
        }
        try expect(service.stats.connections == 1, "service connections \(service.stats.connections)")
        try expect(service.stats.incomingPackets >= 2, "incoming packets \(service.stats.incomingPackets)")
        try expect(service.stats.incomingBytes > 0, "incoming bytes \(service.stats.incomingBytes)")
        let counted = try require(try ipvs.destinations(of: key).first, "destination missing")
        try expect(counted.stats.connections == 1, "destination connections \(counted.stats.connections)")
        let shown = try require(IpvsadmTable.read().service(key.description)?.destinations.first, "ipvsadm lacks it")
        try expect(shown.activeConnections == 1 && shown.forward == "Local", "ipvsadm shows \(shown)")
        let statsText = try run("ipvsadm -Ln --stats")
        try expect(
            statsText.split(separator: "\n").contains {
                $0.hasPrefix("TCP  10.99.0.1:80") && $0.split(separator: " ")[2] == "1"
            },
            "ipvsadm --stats does not count one connection:\n\(statsText)")
    }
}

/// A blocking IPv4 TCP socket, just enough for one exchange.
struct TCPSocket {
    let descriptor: Int32

    static func listening(port: UInt16) throws -> TCPSocket {
        let socket = try make()
        var reuse: Int32 = 1
        setsockopt(socket.descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket.descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(socket.descriptor, 4) == 0 else { throw socket.failure("listen on port \(port)") }
        return socket
    }

    static func connected(to host: String, port: UInt16) throws -> TCPSocket {
        let socket = try make()
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, host, &address.sin_addr)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket.descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else { throw socket.failure("connect to \(host):\(port)") }
        return socket
    }

    func accept() throws -> TCPSocket {
        let accepted = Glibc.accept(descriptor, nil, nil)
        guard accepted >= 0 else { throw failure("accept") }
        return TCPSocket(descriptor: accepted)
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count else { throw failure("send") }
    }

    func receive() throws -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = read(descriptor, &buffer, buffer.count)
        guard count > 0 else { throw failure("receive") }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }

    func close() { _ = Glibc.close(descriptor) }

    private static func make() throws -> TCPSocket {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw CaseFailure("socket: \(String(cString: strerror(errno)))") }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)  // a lost packet fails the case, not the VM run
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return TCPSocket(descriptor: descriptor)
    }

    private func failure(_ operation: String) -> CaseFailure {
        let text = String(cString: strerror(errno))
        close()
        return CaseFailure("\(operation): \(text)")
    }
}

extension Cases {
    /// A dump bigger than one netlink message: 1,000 destinations on one service, added and read
    /// back through the API and ipvsadm. Prints how long the adds and the read took.
    func largeTable() throws {
        let key = IPVSService.Key.address(.tcp, address("10.70.0.1"), port: 80)
        try ipvs.addService(IPVSService(key, scheduler: "wrr"))
        defer { try? ipvs.deleteService(key) }
        let clock = ContinuousClock()
        let addTime = try clock.measure {
            for index in 0..<1000 {
                let destination = address("10.71.\(index / 250).\(index % 250 + 1)")
                try ipvs.addDestination(
                    IPVSDestination(destination, port: 8080, weight: Int32(index % 7 + 1)), to: key)
            }
        }
        var read: [IPVSDestination] = []
        let readTime = try clock.measure { read = try ipvs.destinations(of: key) }
        say("TIME large-table add 1000 destinations \(addTime), read \(readTime)")
        try expect(read.count == 1000, "API reads \(read.count) destinations")
        try expect(Set(read.map(\.address)).count == 1000, "duplicate destinations in the dump")
        try expect(read.allSatisfy { $0.weight == Int32(lastOctetIndex($0.address) % 7 + 1) }, "weights differ")
        let shown = try require(IpvsadmTable.read().service(key.description), "ipvsadm lacks \(key)")
        try expect(shown.destinations.count == 1000, "ipvsadm shows \(shown.destinations.count) destinations")
    }

    private func lastOctetIndex(_ address: IPAddress) -> Int {
        Int(address.bytes[2]) * 250 + Int(address.bytes[3]) - 1
    }
}
