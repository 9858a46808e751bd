import Glibc
import Testing
import VRRP
import VRRPSockets

/// Adverts sent by `VRRPSocket` in one namespace and received by another across a veth pair.
@Suite("VRRP socket between two network namespaces")
struct VRRPSocketTests {
    static let password = VRRPAdvert.Password("secret")

    @Test(
        "v2 (PASS) and v3 multicast adverts arrive as keepalived sends them",
        .enabled(if: getuid() == 0, "needs root: raw sockets in network namespaces"))
    func multicastAdverts() async throws {
        try await NamespacePair.with { net in
            let sender = try NetworkNamespace.withEntered(net.a) { try VRRPSocket(.init(interface: net.interfaceA)) }
            defer { sender.close() }
            let receiver = try NetworkNamespace.withEntered(net.b) { try VRRPSocket(.init(interface: net.interfaceB)) }
            defer { receiver.close() }
            #expect(sender.sourceAddress == net.addressA)
            let stream = receiver.datagrams()

            let v2 = VRRPAdvert(
                version: .v2, virtualRouterID: 51, priority: 150, advertInterval: 1,
                addresses: [net.address(100)], authentication: .password(Self.password))
            let v3 = VRRPAdvert(
                version: .v3, virtualRouterID: 52, priority: 100, advertInterval: 100,
                addresses: [net.address(101), net.address(102)])
            try sender.send(v2)
            try sender.send(v3)

            let datagrams = try await collect(2, from: stream)
            for (datagram, sent) in zip(datagrams, [v2, v3]) {
                #expect(datagram.source == net.addressA)
                #expect(datagram.destination == VRRPAdvert.ipv4MulticastGroup)
                #expect(datagram.interfaceIndex == receiver.interface.index)
                #expect(!datagram.isTruncated)
                let received = try datagram.decoded().get()
                try expectKeepalivedHeader(received, source: net.addressA, destination: VRRPAdvert.ipv4MulticastGroup)
                #expect(received.advert.version == sent.version)
                #expect(received.advert.virtualRouterID == sent.virtualRouterID)
                #expect(received.advert.priority == sent.priority)
                #expect(received.advert.advertInterval == sent.advertInterval)
                #expect(received.advert.addresses == sent.addresses)
                // Byte for byte what the codec builds, with the identification the kernel chose.
                let header = try #require(received.ipv4Header)
                let expected = try sent.encodedIPv4Packet(
                    source: net.addressA, destination: VRRPAdvert.ipv4MulticastGroup,
                    identification: header.identification)
                #expect(datagram.bytes == expected)
            }
            let v2Received = try datagrams[0].decoded().get()
            #expect(v2Received.advert.password == Self.password)
            #expect(v2Received.advert.password?.text == "secret")
        }
    }

    @Test(
        "a configured vrrp_mcast_group4 is joined and sent to",
        .enabled(if: getuid() == 0, "needs root: raw sockets in network namespaces"))
    func configuredMulticastGroup() async throws {
        try await NamespacePair.with { net in
            let group = InetAddress(224, 0, 0, 119)
            let sender = try NetworkNamespace.withEntered(net.a) {
                try VRRPSocket(.init(interface: net.interfaceA, destination: .multicast(group: group)))
            }
            defer { sender.close() }
            let receiver = try NetworkNamespace.withEntered(net.b) {
                try VRRPSocket(.init(interface: net.interfaceB, destination: .multicast(group: group)))
            }
            defer { receiver.close() }
            let stream = receiver.datagrams()
            let advert = VRRPAdvert(
                version: .v3, virtualRouterID: 9, priority: 200, advertInterval: 50, addresses: [net.address(9)])
            try sender.send(advert)
            let datagram = try #require(try await collect(1, from: stream).first)
            #expect(datagram.destination == group)
            let received = try datagram.decoded().get()
            try expectKeepalivedHeader(received, source: net.addressA, destination: group)
            #expect(received.advert.addresses == [net.address(9)])
        }
    }

    @Test(
        "unicast adverts go to each peer from unicast_src_ip",
        .enabled(if: getuid() == 0, "needs root: raw sockets in network namespaces"))
    func unicastPeers() async throws {
        try await NamespacePair.with { net in
            let source = net.address(11)
            try ip("-n", net.a, "address", "add", "\(source)/24", "dev", net.interfaceA)
            let sender = try NetworkNamespace.withEntered(net.a) {
                try VRRPSocket(
                    .init(
                        interface: net.interfaceA, destination: .unicast(peers: [net.addressB]), sourceAddress: source))
            }
            defer { sender.close() }
            let receiver = try NetworkNamespace.withEntered(net.b) {
                try VRRPSocket(.init(interface: net.interfaceB, destination: .unicast(peers: [source])))
            }
            defer { receiver.close() }
            #expect(sender.destinations == [net.addressB])
            let stream = receiver.datagrams()
            let advert = VRRPAdvert(
                version: .v3, virtualRouterID: 7, priority: 120, advertInterval: 100, addresses: [net.address(70)])
            try sender.send(advert)

            let datagram = try #require(try await collect(1, from: stream).first)
            #expect(datagram.source == source)
            #expect(datagram.destination == net.addressB)
            let received = try datagram.decoded().get()
            try expectKeepalivedHeader(received, source: source, destination: net.addressB)
            #expect(received.advert.virtualRouterID == 7)
            #expect(received.advert.priority == 120)
        }
    }

    @Test(
        "a unicast socket does not see multicast adverts a neighbouring socket joined for",
        .enabled(if: getuid() == 0, "needs root: raw sockets in network namespaces"))
    func multicastOnlyWhereJoined() async throws {
        try await NamespacePair.with { net in
            let multicastSender = try NetworkNamespace.withEntered(net.a) {
                try VRRPSocket(.init(interface: net.interfaceA))
            }
            defer { multicastSender.close() }
            let unicastSender = try NetworkNamespace.withEntered(net.a) {
                try VRRPSocket(.init(interface: net.interfaceA, destination: .unicast(peers: [net.addressB])))
            }
            defer { unicastSender.close() }
            let (joined, unicast) = try NetworkNamespace.withEntered(net.b) {
                (
                    try VRRPSocket(.init(interface: net.interfaceB)),
                    try VRRPSocket(.init(interface: net.interfaceB, destination: .unicast(peers: [net.addressA])))
                )
            }
            defer {
                joined.close()
                unicast.close()
            }
            let joinedStream = joined.datagrams()
            let unicastStream = unicast.datagrams()
            func advert(_ vrid: UInt8) -> VRRPAdvert {
                VRRPAdvert(
                    version: .v3, virtualRouterID: vrid, priority: 100, advertInterval: 100,
                    addresses: [net.address(vrid)])
            }
            try multicastSender.send(advert(1))
            try unicastSender.send(advert(2))

            let seenByJoined = try await collect(2, from: joinedStream).map { try $0.decoded().get() }
            #expect(seenByJoined.map(\.advert.virtualRouterID) == [1, 2])
            #expect(seenByJoined.map(\.destination) == [VRRPAdvert.ipv4MulticastGroup, net.addressB])
            let seenByUnicast = try #require(try await collect(1, from: unicastStream).first)
            #expect(try seenByUnicast.decoded().get().advert.virtualRouterID == 2)
        }
    }

    @Test(
        "a socket bound to one interface does not see adverts arriving on another",
        .enabled(if: getuid() == 0, "needs root: raw sockets in network namespaces"))
    func boundToItsInterface() async throws {
        try await NamespacePair.with { net in
            try ip("link", "add", "vka2", "netns", net.a, "type", "veth", "peer", "name", "vkb2", "netns", net.b)
            // A subnet of its own: unicast to B over this link must not reach B's other socket.
            let secondA = InetAddress(10, 254, 254, 1)
            let secondB = InetAddress(10, 254, 254, 2)
            try ip("-n", net.a, "address", "add", "\(secondA)/24", "dev", "vka2")
            try ip("-n", net.b, "address", "add", "\(secondB)/24", "dev", "vkb2")
            try ip("-n", net.a, "link", "set", "vka2", "up")
            try ip("-n", net.b, "link", "set", "vkb2", "up")
            try await waitUntil {
                let a = (try? run("/usr/sbin/ip", ["-n", net.a, "-o", "link", "show", "vka2"])) ?? ""
                let b = (try? run("/usr/sbin/ip", ["-n", net.b, "-o", "link", "show", "vkb2"])) ?? ""
                return a.contains("LOWER_UP") && b.contains("LOWER_UP")
            }
            let (first, second) = try NetworkNamespace.withEntered(net.a) {
                (
                    try VRRPSocket(.init(interface: net.interfaceA)),
                    try VRRPSocket(.init(interface: "vka2", destination: .unicast(peers: [secondB])))
                )
            }
            let (onFirst, onSecond) = try NetworkNamespace.withEntered(net.b) {
                (
                    try VRRPSocket(.init(interface: net.interfaceB)),
                    try VRRPSocket(.init(interface: "vkb2", destination: .unicast(peers: [secondA])))
                )
            }
            defer { [first, second, onFirst, onSecond].forEach { $0.close() } }
            let firstStream = onFirst.datagrams()
            let secondStream = onSecond.datagrams()
            func advert(_ vrid: UInt8) -> VRRPAdvert {
                VRRPAdvert(
                    version: .v3, virtualRouterID: vrid, priority: 100, advertInterval: 100,
                    addresses: [net.address(vrid)])
            }
            try second.send(advert(2))
            try first.send(advert(1))

            let viaFirst = try #require(try await collect(1, from: firstStream).first)
            #expect(try viaFirst.decoded().get().advert.virtualRouterID == 1)
            #expect(viaFirst.interfaceIndex == onFirst.interface.index)
            let viaSecond = try #require(try await collect(1, from: secondStream).first)
            #expect(try viaSecond.decoded().get().advert.virtualRouterID == 2)
            #expect(viaSecond.source == secondA)
            #expect(viaSecond.destination == secondB)
            #expect(viaSecond.interfaceIndex == onSecond.interface.index)
        }
    }

    @Test(
        "a TTL 64 packet from a plain raw socket keeps its IP header and drops as ttl(64)",
        .enabled(if: getuid() == 0, "needs root: raw sockets in network namespaces"))
    func foreignTTLIsSeen() async throws {
        try await NamespacePair.with { net in
            let receiver = try NetworkNamespace.withEntered(net.b) {
                try VRRPSocket(.init(interface: net.interfaceB, destination: .unicast(peers: [net.addressA])))
            }
            defer { receiver.close() }
            let stream = receiver.adverts()
            let advert = VRRPAdvert(
                version: .v3, virtualRouterID: 64, priority: 100, advertInterval: 100, addresses: [net.address(64)])
            let message = try advert.encodedMessage(source: net.addressA, destination: net.addressB)
            let plain = try NetworkNamespace.withEntered(net.a) { try PlainRawSocket() }
            try plain.send(message, to: net.addressB)

            var iterator = stream.makeAsyncIterator()
            let result = try #require(await iterator.next())
            #expect(throws: AdvertDropReason.ttl(64)) { try result.get() }
        }
    }

    @Test(
        "ending the receive sequence closes the socket, and closing ends the sequence",
        .enabled(if: getuid() == 0, "needs root: raw sockets in network namespaces"))
    func lifecycle() async throws {
        try await NamespacePair.with { net in
            let first = try NetworkNamespace.withEntered(net.a) { try VRRPSocket(.init(interface: net.interfaceA)) }
            let consumer = Task {
                for await _ in first.datagrams() {}
            }
            consumer.cancel()
            await consumer.value
            try await waitUntil { !first.isOpen }
            let advert = VRRPAdvert(
                version: .v3, virtualRouterID: 1, priority: 100, advertInterval: 100, addresses: [net.address(1)])
            #expect(throws: VRRPSocketError.closed) { try first.send(advert) }

            let second = try NetworkNamespace.withEntered(net.a) { try VRRPSocket(.init(interface: net.interfaceA)) }
            let stream = second.datagrams()
            second.close()
            var count = 0
            for await _ in stream { count += 1 }
            #expect(count == 0)
            #expect(!second.isOpen)
            // Dropping the sequence without iterating it closes the socket too.
            let third = try NetworkNamespace.withEntered(net.a) { try VRRPSocket(.init(interface: net.interfaceA)) }
            do { _ = third.datagrams() }
            try await waitUntil { !third.isOpen }

            // A second sequence on one socket is finished from the start.
            var extra = 0
            for await _ in second.datagrams() { extra += 1 }
            #expect(extra == 0)
        }
    }
}

/// The IP header keepalived puts on its adverts: TTL 255, tos 0xc0, no DF, protocol 112.
func expectKeepalivedHeader(
    _ received: ReceivedVRRPAdvert, source: InetAddress, destination: InetAddress,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let header = try #require(received.ipv4Header, sourceLocation: sourceLocation)
    #expect(received.ttl == 255, sourceLocation: sourceLocation)
    #expect(header.ttl == 255, sourceLocation: sourceLocation)
    #expect(header.typeOfService == 0xC0, sourceLocation: sourceLocation)
    #expect(header.flagsAndFragmentOffset == 0, sourceLocation: sourceLocation)
    #expect(header.protocol == 112, sourceLocation: sourceLocation)
    #expect(received.source == source, sourceLocation: sourceLocation)
    #expect(received.destination == destination, sourceLocation: sourceLocation)
}

/// Polls `condition` until it holds; fails after ten seconds (a hang guard, not a timing check).
func waitUntil(_ condition: () -> Bool) async throws {
    for _ in 0..<1000 {
        if condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    throw TestFailure("condition never held")
}
