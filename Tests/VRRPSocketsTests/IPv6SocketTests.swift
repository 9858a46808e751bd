import CLinux
import Glibc
import Testing
import VRRP
import VRRPSockets

/// VRRPv3 over IPv6 between two namespaces: multicast from the link-local address, unicast to
/// link-local and global peers, the hop limit from `IPV6_HOPLIMIT`, and neighbour adverts.
@Suite("VRRPv3 over IPv6 between two network namespaces")
struct IPv6SocketTests {
    static func advert(_ addresses: [InetAddress], priority: UInt8 = 150) -> VRRPAdvert {
        VRRPAdvert(version: .v3, virtualRouterID: 61, priority: priority, advertInterval: 10, addresses: addresses)
    }

    /// fd00:N:M::host, on-link on the pair's veth once `addGlobalAddresses` ran.
    static func global(_ net: NamespacePair, _ host: UInt16) -> InetAddress {
        InetAddress("fd00:\(net.subnetPrefix.0):\(net.subnetPrefix.1)::\(String(host, radix: 16))")!
    }

    static func addGlobalAddresses(_ net: NamespacePair) throws {
        try ip("-n", net.a, "address", "add", "\(global(net, 1))/64", "dev", net.interfaceA, "nodad")
        try ip("-n", net.b, "address", "add", "\(global(net, 2))/64", "dev", net.interfaceB, "nodad")
    }

    @Test(
        "multicast adverts go from the link-local address to ff02::12 with hop limit 255",
        .enabled(if: getuid() == 0, "needs root: raw sockets in network namespaces"))
    func multicast() async throws {
        try await NamespacePair.with { net in
            let linkLocalA = try net.linkLocalAddress(of: net.interfaceA, in: net.a)
            let group = VRRPAdvert.ipv6MulticastGroup
            let sender = try NetworkNamespace.withEntered(net.a) {
                try VRRPSocket(.init(interface: net.interfaceA, destination: .multicast(group: group)))
            }
            defer { sender.close() }
            let receiver = try NetworkNamespace.withEntered(net.b) {
                try VRRPSocket(.init(interface: net.interfaceB, destination: .multicast(group: group)))
            }
            defer { receiver.close() }
            #expect(sender.sourceAddress == linkLocalA)
            #expect(sender.configuration.family == .ipv6)
            let stream = receiver.datagrams()
            let sent = Self.advert([Self.global(net, 100), Self.global(net, 101)])
            try sender.send(sent)

            let datagram = try #require(try await collect(1, from: stream).first)
            #expect(datagram.source == linkLocalA)
            #expect(datagram.destination == group)
            #expect(datagram.hopLimit == 255)
            #expect(datagram.interfaceIndex == receiver.interface.index)
            // The bare message, checksum over the pseudo-header included, byte for byte.
            #expect(datagram.bytes == (try sent.encodedMessage(source: linkLocalA, destination: group)))
            let received = try datagram.decoded().get()
            #expect(received.advert.addresses == sent.addresses && received.advert.priority == 150)
            #expect(received.ttl == 255 && received.ipv4Header == nil)
        }
    }

    @Test(
        "a vrrp_mcast_group6 is joined and sent to; an IPv4 peer on an IPv6 socket is refused",
        .enabled(if: getuid() == 0, "needs root: raw sockets in network namespaces"))
    func configuredGroupAndFamilyErrors() async throws {
        try await NamespacePair.with { net in
            let group = InetAddress("ff02::1:12")!
            let sender = try NetworkNamespace.withEntered(net.a) {
                try VRRPSocket(.init(interface: net.interfaceA, destination: .multicast(group: group)))
            }
            defer { sender.close() }
            let receiver = try NetworkNamespace.withEntered(net.b) {
                try VRRPSocket(.init(interface: net.interfaceB, destination: .multicast(group: group)))
            }
            defer { receiver.close() }
            let stream = receiver.datagrams()
            try sender.send(Self.advert([Self.global(net, 100)]))
            let datagram = try #require(try await collect(1, from: stream).first)
            #expect(datagram.destination == group)
            #expect(throws: Never.self) { try datagram.decoded().get() }

            #expect(throws: VRRPSocketError.unsupportedAddress(net.addressB)) {
                try NetworkNamespace.withEntered(net.a) {
                    try VRRPSocket(
                        .init(
                            interface: net.interfaceA,
                            destination: .unicast(peers: [Self.global(net, 2), net.addressB])))
                }
            }
        }
    }

    @Test(
        "without a link-local address (IPv6 off on the link) an IPv6 socket is refused with a clear error",
        .enabled(if: getuid() == 0, "needs root: raw sockets in network namespaces"))
    func noLinkLocalAddress() async throws {
        try await NamespacePair.with { net in
            try run(
                "/usr/sbin/ip",
                ["netns", "exec", net.a, "sysctl", "-qw", "net.ipv6.conf.\(net.interfaceA).disable_ipv6=1"])
            let error = #expect(throws: VRRPSocketError.noIPv6LinkLocalAddress(interface: net.interfaceA)) {
                try NetworkNamespace.withEntered(net.a) {
                    try VRRPSocket(
                        .init(interface: net.interfaceA, destination: .multicast(group: VRRPAdvert.ipv6MulticastGroup)))
                }
            }
            #expect(error.map { "\($0)" } == "interface \(net.interfaceA) has no IPv6 link-local address")
        }
    }

    @Test(
        "unicast to a link-local peer (the interface is its scope) and to a global peer",
        .enabled(if: getuid() == 0, "needs root: raw sockets in network namespaces"),
        arguments: [true, false])
    func unicast(linkLocal: Bool) async throws {
        try await NamespacePair.with { net in
            try Self.addGlobalAddresses(net)
            let (addressA, addressB) =
                linkLocal
                ? (
                    try net.linkLocalAddress(of: net.interfaceA, in: net.a),
                    try net.linkLocalAddress(of: net.interfaceB, in: net.b)
                )
                : (Self.global(net, 1), Self.global(net, 2))
            let sender = try NetworkNamespace.withEntered(net.a) {
                try VRRPSocket(
                    .init(
                        interface: net.interfaceA, destination: .unicast(peers: [addressB]),
                        sourceAddress: linkLocal ? nil : addressA))
            }
            defer { sender.close() }
            let receiver = try NetworkNamespace.withEntered(net.b) {
                try VRRPSocket(
                    .init(
                        interface: net.interfaceB, destination: .unicast(peers: [addressA]),
                        sourceAddress: linkLocal ? nil : addressB))
            }
            defer { receiver.close() }
            #expect(sender.sourceAddress == addressA)
            let stream = receiver.datagrams()
            let sent = Self.advert([Self.global(net, 100)])
            try sender.send(sent)
            let datagram = try #require(try await collect(1, from: stream).first)
            #expect(datagram.source == addressA && datagram.destination == addressB)
            #expect(datagram.hopLimit == 255)
            #expect(datagram.bytes == (try sent.encodedMessage(source: addressA, destination: addressB)))
            let received = try datagram.decoded().get()
            #expect(received.advert.addresses == sent.addresses && received.source == addressA)
        }
    }

    @Test(
        "an advert with hop limit 64 reaches the socket and is dropped by the decoder as ttl",
        .enabled(if: getuid() == 0, "needs root: raw sockets in network namespaces"))
    func hopLimitOtherThan255() async throws {
        try await NamespacePair.with { net in
            let linkLocalA = try net.linkLocalAddress(of: net.interfaceA, in: net.a)
            let group = VRRPAdvert.ipv6MulticastGroup
            let receiver = try NetworkNamespace.withEntered(net.b) {
                try VRRPSocket(.init(interface: net.interfaceB, destination: .multicast(group: group)))
            }
            defer { receiver.close() }
            let stream = receiver.datagrams()
            // A foreign sender: a plain raw socket whose multicast hop limit is 64.
            let foreign = try NetworkNamespace.withEntered(net.a) {
                try PlainRawSocket6(interface: net.interfaceA, hopLimit: 64)
            }
            let message = try Self.advert([Self.global(net, 100)]).encodedMessage(
                source: linkLocalA, destination: group)
            try foreign.send(message, to: group)
            let datagram = try #require(try await collect(1, from: stream).first)
            #expect(datagram.hopLimit == 64)
            #expect(datagram.decoded() == .failure(.ttl(64)))
        }
    }

    @Test(
        "an unsolicited neighbour advert moves the neighbour's cache entry to our MAC",
        .enabled(if: getuid() == 0, "needs root: raw sockets in network namespaces"))
    func neighbourAdvert() async throws {
        try await NamespacePair.with { net in
            try Self.addGlobalAddresses(net)
            let vip = Self.global(net, 100)
            // b knows the VIP at some other MAC, as after the previous master.
            try ip(
                "-n", net.b, "neigh", "replace", "\(vip)", "lladdr", "02:00:00:00:00:99", "dev", net.interfaceB, "nud",
                "stale")
            let capture = try NetworkNamespace.withEntered(net.b) { try ICMPv6Capture(interface: net.interfaceB) }
            let sender = try NetworkNamespace.withEntered(net.a) {
                try NeighbourAdvertSender(interface: net.interfaceA)
            }
            defer { sender.close() }
            try sender.send([vip])

            let (packet, source, hopLimit) = try #require(capture.next(type: 136))
            #expect(source == vip && hopLimit == 255)
            #expect(packet[4] == 0x20, "override flag only")
            #expect(Array(packet[8..<24]) == vip.bytes)
            let mac = try net.hardwareAddress(of: net.interfaceA, in: net.a)
            #expect(packet[24] == 2 && packet[25] == 1)
            #expect(NetworkInterface.hardwareAddressText(Array(packet[26..<32])) == mac)
            try await waitFor("b's neighbour entry for \(vip) points at \(mac)") {
                try run("/usr/sbin/ip", ["-n", net.b, "neigh", "show", "\(vip)", "dev", net.interfaceB]).contains(mac)
            }
            #expect(throws: VRRPSocketError.unsupportedAddress(net.addressA)) { try sender.send([net.addressA]) }

            // A forwarding interface sets the router flag, as keepalived does.
            try run(
                "/usr/sbin/ip",
                ["netns", "exec", net.a, "sysctl", "-qw", "net.ipv6.conf.\(net.interfaceA).forwarding=1"])
            try sender.send([vip])
            let (routerAdvert, _, _) = try #require(capture.next(type: 136))
            #expect(routerAdvert[4] == 0xA0, "router and override flags")
        }
    }
}

/// Polls `condition` every 50 ms, failing after 10 s (a guard against a hang).
func waitFor(_ what: String, _ condition: () throws -> Bool) async throws {
    for _ in 0..<200 {
        if try condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw TestFailure("timed out waiting: \(what)")
}

/// A raw IPv6 VRRP socket with the kernel's header and a chosen multicast hop limit: a foreign
/// sender, independent of the module under test.
final class PlainRawSocket6 {
    let fd: Int32
    let index: UInt32

    init(interface: String, hopLimit: Int32) throws {
        index = if_nametoindex(interface)
        fd = socket(AF_INET6, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 112)
        guard fd >= 0 else { throw TestFailure("socket: errno \(errno)") }
        var hops = hopLimit
        var interfaceIndex = index
        setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_MULTICAST_HOPS, &hops, 4)
        setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_MULTICAST_IF, &interfaceIndex, 4)
    }

    deinit { close(fd) }

    func send(_ message: [UInt8], to destination: InetAddress) throws {
        var target = sockaddr_in6()
        target.sin6_family = sa_family_t(AF_INET6)
        withUnsafeMutableBytes(of: &target.sin6_addr) { $0.copyBytes(from: destination.bytes) }
        target.sin6_scope_id = index
        let sent = message.withUnsafeBytes { buffer in
            withUnsafePointer(to: &target) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, buffer.baseAddress, buffer.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
        guard sent == message.count else { throw TestFailure("sendto: \(sent), errno \(errno)") }
    }
}

/// A raw ICMPv6 socket on one interface: the kernel has checked the checksum of whatever it
/// delivers; the hop limit comes from `IPV6_HOPLIMIT`.
final class ICMPv6Capture {
    let fd: Int32

    init(interface: String) throws {
        fd = socket(AF_INET6, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), Int32(IPPROTO_ICMPV6))
        guard fd >= 0 else { throw TestFailure("socket(ICMPv6): errno \(errno)") }
        var on: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_RECVHOPLIMIT, &on, 4)
        _ = interface.withCString { setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, $0, socklen_t(strlen($0))) }
    }

    deinit { close(fd) }

    /// The next ICMPv6 message of `type` with its source and hop limit, or nil after 10 s.
    /// Blocks the calling thread in poll(2): test use only.
    func next(type: UInt8) -> (message: [UInt8], source: InetAddress, hopLimit: Int32)? {
        var buffer = [UInt8](repeating: 0, count: 2048)
        var control = [UInt8](repeating: 0, count: 256)
        for _ in 0..<100 {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 100) >= 0 else { return nil }
            guard descriptor.revents & Int16(POLLIN) != 0 else { continue }
            var sender = sockaddr_in6()
            var hopLimit: Int32 = -1
            let count = buffer.withUnsafeMutableBytes { bytes in
                control.withUnsafeMutableBytes { controlBytes in
                    withUnsafeMutablePointer(to: &sender) { senderPointer in
                        var vector = iovec(iov_base: bytes.baseAddress, iov_len: bytes.count)
                        return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                            var header = msghdr()
                            header.msg_name = UnsafeMutableRawPointer(senderPointer)
                            header.msg_namelen = socklen_t(MemoryLayout<sockaddr_in6>.size)
                            header.msg_iov = vectorPointer
                            header.msg_iovlen = 1
                            header.msg_control = controlBytes.baseAddress
                            header.msg_controllen = controlBytes.count
                            let count = recvmsg(fd, &header, 0)
                            var cmsg = clinux_cmsg_firsthdr(&header)
                            while let current = cmsg {
                                if current.pointee.cmsg_type == IPV6_HOPLIMIT, let data = clinux_cmsg_data(current) {
                                    hopLimit = UnsafeRawPointer(data).loadUnaligned(as: Int32.self)
                                }
                                cmsg = clinux_cmsg_nxthdr(&header, current)
                            }
                            return count
                        }
                    }
                }
            }
            guard count > 0, buffer[0] == type else { continue }
            let source = withUnsafeBytes(of: sender.sin6_addr) { InetAddress(bytes: $0)! }
            return (Array(buffer[..<count]), source, hopLimit)
        }
        return nil
    }
}
