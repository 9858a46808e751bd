import Foundation
import Testing
import VRRP
import VRRPSockets

/// `auth_type AH` on the wire with Debian's keepalived: its adverts verify under the shared
/// key on our protocol-51 socket, and ours make it yield without a complaint.
@Suite(
    "IPsec AH with keepalived",
    .enabled(if: getuid() == 0, "needs root: raw sockets in network namespaces"),
    .enabled(if: KeepalivedProcess.isAvailable, "needs /usr/sbin/keepalived (Debian package keepalived)"))
struct AuthenticationHeaderInteropTests {
    static let key = "ka51ah"

    func configuration(_ net: NamespacePair, vrid: UInt8, priority: UInt8) -> String {
        """
        global_defs {
            router_id kavrrp_ah_test
        }
        vrrp_instance VI_1 {
            state MASTER
            interface \(net.interfaceA)
            virtual_router_id \(vrid)
            priority \(priority)
            advert_int 1
            authentication {
                auth_type AH
                auth_pass \(Self.key)
            }
            virtual_ipaddress {
                \(net.address(100))/32
            }
        }

        """
    }

    func expectations(_ net: NamespacePair, vrid: UInt8) -> ReceiveExpectations {
        ReceiveExpectations(
            virtualRouterID: vrid, version: .v2, authentication: .ipsecAH(.init(Self.key)),
            advertIntervalCentiseconds: 100, virtualAddresses: [net.address(100)], ownAddresses: [net.addressB])
    }

    @Test("keepalived's AH adverts arrive on a protocol 51 socket, verify, and number upwards")
    func receiveFromKeepalived() async throws {
        try await NamespacePair.with { net in
            let receiver = try NetworkNamespace.withEntered(net.b) {
                try VRRPSocket(.init(interface: net.interfaceB, authenticationHeader: true))
            }
            defer { receiver.close() }
            let stream = receiver.datagrams()
            let adverts = try await KeepalivedProcess.with(
                namespace: net.a, configuration: configuration(net, vrid: 81, priority: 200)
            ) { _ in
                try await collect(2, from: stream) { (try? $0.decoded().get())?.advert.priority == 200 }
            }
            var counter = AHSequenceCounter()
            for datagram in adverts {
                let received = try datagram.decoded().get()
                try received.validate(against: expectations(net, vrid: 81))
                let header = try #require(received.authenticationHeader).header
                guard case .v4(let spi) = net.addressA else { return }
                #expect(header.securityParameterIndex == spi)
                try counter.accept(header.sequenceNumber)
            }
            let replay = try adverts[0].decoded().get()
            let sequence = try #require(replay.authenticationHeader).header.sequenceNumber
            #expect(throws: AdvertDropReason.replayedSequenceNumber(received: sequence, last: counter.last)) {
                try counter.accept(sequence)
            }
        }
    }

    @Test("keepalived as AH master yields to our higher-priority AH adverts without an ICV complaint")
    func keepalivedVerifiesOurs() async throws {
        try await NamespacePair.with { net in
            let sender = try NetworkNamespace.withEntered(net.b) {
                try VRRPSocket(.init(interface: net.interfaceB, authenticationHeader: true))
            }
            defer { sender.close() }
            let advert = VRRPAdvert(
                version: .v2, virtualRouterID: 82, priority: 200, advertInterval: 1, addresses: [net.address(100)],
                authentication: .ipsecAH(.init(Self.key)))
            let log = try await KeepalivedProcess.with(
                namespace: net.a, configuration: configuration(net, vrid: 82, priority: 100)
            ) { keepalived in
                try await keepalived.waitForLog("(VI_1) Entering MASTER STATE")
                let sending = Task {
                    var counter = AHSequenceCounter()
                    while !Task.isCancelled {
                        try sender.send(advert, sequenceNumber: counter.next(), key: .init(Self.key))
                        try await Task.sleep(for: .milliseconds(200))
                    }
                }
                defer { sending.cancel() }
                try await keepalived.waitForLog(
                    "(VI_1) Master received advert from \(net.addressB) with higher priority 200, ours 100")
                try await keepalived.waitForLog("(VI_1) Entering BACKUP STATE", occurrences: 2)
                return keepalived.log
            }
            // Our first number may be one keepalived already sent itself (its counter is shared
            // between sending and receiving): that one is a replay to it, the rest are not.
            #expect(!log.contains("invalid IPSEC"), "keepalived refused our ICV or SPI: \(log)")
        }
    }
}
