import Foundation
import Synchronization
import Testing
import VRRP
import VRRPSockets

/// Debian's keepalived in one namespace, `VRRPSocket` and `GratuitousARP` in the other.
@Suite(
    "Interoperation with keepalived",
    .enabled(if: getuid() == 0, "needs root: raw sockets in network namespaces"),
    .enabled(if: KeepalivedProcess.isAvailable, "needs /usr/sbin/keepalived (Debian package keepalived)"))
struct KeepalivedInteropTests {
    @Test(
        "keepalived's adverts and gratuitous ARPs arrive and match our encoders byte for byte",
        arguments: [VRRPAdvert.Version.v2, .v3])
    func receiveFromKeepalived(version: VRRPAdvert.Version) async throws {
        try await NamespacePair.with { net in
            let instance = KeepalivedInstance.forTest(version, net, vrid: 77, priority: 200)
            let vip = instance.virtualAddress
            let capture = try NetworkNamespace.withEntered(net.b) { try ARPCapture(interface: net.interfaceB) }
            let receiver = try NetworkNamespace.withEntered(net.b) { try VRRPSocket(.init(interface: net.interfaceB)) }
            defer { receiver.close() }
            let stream = receiver.datagrams()
            let configuration = instance.configuration
            let (adverts, garp) = try await KeepalivedProcess.with(namespace: net.a, configuration: configuration) {
                _ in
                let adverts = try await collect(version == .v3 ? 3 : 1, from: stream) { datagram in
                    (try? datagram.decoded().get())?.advert.priority == 200
                }
                return (adverts, capture.nextFrame(announcing: vip))
            }

            for datagram in adverts {
                let received = try datagram.decoded().get()
                try expectKeepalivedHeader(received, source: net.addressA, destination: VRRPAdvert.ipv4MulticastGroup)
                #expect(datagram.source == net.addressA)
                #expect(datagram.interfaceIndex == receiver.interface.index)
                #expect(received.advert.version == version)
                #expect(received.advert.virtualRouterID == 77)
                #expect(received.advert.advertInterval == instance.advertIntervalOnWire)
                #expect(received.advert.addresses == [vip])
                #expect(received.advert.password?.text == instance.password)
                let ours = instance.advert()
                let header = try #require(received.ipv4Header)
                let encoded = try ours.encodedIPv4Packet(
                    source: net.addressA, destination: VRRPAdvert.ipv4MulticastGroup,
                    identification: header.identification)
                #expect(datagram.bytes == encoded, "keepalived's packet differs from our encoding")
            }

            let frame = try #require(garp, "no gratuitous ARP from keepalived for \(vip)")
            let macA = try net.hardwareAddress(of: net.interfaceA, in: net.a)
            #expect(NetworkInterface.hardwareAddressText(Array(frame[6..<12])) == macA)
            let macBytes = Array(frame[6..<12])
            #expect(frame == (try GratuitousARP.frame(for: vip, hardwareAddress: macBytes)))
        }
    }

    @Test(
        "keepalived as master yields to our higher-priority adverts and takes over when we resign",
        arguments: [VRRPAdvert.Version.v2, .v3])
    func keepalivedReceivesOurAdverts(version: VRRPAdvert.Version) async throws {
        try await NamespacePair.with { net in
            let instance = KeepalivedInstance.forTest(version, net, vrid: 78, priority: 100)
            let sender = try NetworkNamespace.withEntered(net.b) { try VRRPSocket(.init(interface: net.interfaceB)) }
            defer { sender.close() }
            let configuration = instance.configuration
            let log = try await KeepalivedProcess.with(namespace: net.a, configuration: configuration) { keepalived in
                try await keepalived.waitForLog("(VI_1) Entering MASTER STATE")
                // A master of priority 200 every 50 ms; priority 0 once is how it resigns.
                let priority = SharedPriority(200)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        while true {
                            let current = priority.value.load(ordering: .relaxed)
                            try sender.send(instance.advert(priority: current))
                            if current == 0 { return }
                            try await Task.sleep(for: .milliseconds(50))
                        }
                    }
                    try await keepalived.waitForLog(
                        "(VI_1) Master received advert from \(net.addressB) with higher priority 200, ours 100")
                    try await keepalived.waitForLog("(VI_1) Entering BACKUP STATE", occurrences: 2)
                    priority.value.store(0, ordering: .relaxed)
                    try await group.waitForAll()
                }
                try await keepalived.waitForLog("(VI_1) Backup received priority 0 advertisement")
                try await keepalived.waitForLog("(VI_1) Entering MASTER STATE", occurrences: 2)
                return keepalived
            }.log
            #expect(log.contains("(VI_1) sent 0 priority"), "keepalived did not resign on SIGTERM: \(log)")
            #expect(!log.lowercased().contains("invalid"), "keepalived complained: \(log)")
        }
    }
}

/// The priority an advertising task sends, changed by the test while it runs.
final class SharedPriority: Sendable {
    let value: Atomic<UInt8>

    init(_ initial: UInt8) {
        value = Atomic(initial)
    }
}
