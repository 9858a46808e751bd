import Glibc
import Testing
import VRRP
import VRRPSockets

@Suite("Gratuitous ARP")
struct GratuitousARPTests {
    @Test("the frame is keepalived's: broadcast request, sender = target = VIP")
    func frameLayout() throws {
        let mac: [UInt8] = [0x02, 0x11, 0x22, 0x33, 0x44, 0x55]
        let frame = try GratuitousARP.frame(for: InetAddress(192, 168, 1, 10), hardwareAddress: mac)
        let expected: [UInt8] =
            [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] + mac + [0x08, 0x06]  // Ethernet: broadcast, ARP
            + [0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01]  // Ethernet/IPv4, request
            + mac + [192, 168, 1, 10]  // sender
            + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] + [192, 168, 1, 10]  // target
        #expect(frame == expected)
        #expect(frame.count == GratuitousARP.frameLength)
    }

    @Test("bad input is an error, not a crash")
    func badInput() {
        #expect(throws: VRRPSocketError.invalidHardwareAddress([1, 2, 3])) {
            try GratuitousARP.frame(for: InetAddress(10, 0, 0, 1), hardwareAddress: [1, 2, 3])
        }
        let v6 = InetAddress("fe80::1")!
        #expect(throws: VRRPSocketError.unsupportedAddress(v6)) {
            try GratuitousARP.frame(for: v6, hardwareAddress: [2, 0, 0, 0, 0, 1])
        }
    }

    @Test(
        "announce sends count rounds that a neighbour receives byte for byte",
        .enabled(if: getuid() == 0, "needs root: raw sockets in network namespaces"))
    func announceOverVeth() async throws {
        try await NamespacePair.with { net in
            let capture = try NetworkNamespace.withEntered(net.b) { try ARPCapture(interface: net.interfaceB) }
            let sender = try NetworkNamespace.withEntered(net.a) { try GratuitousARPSender(interface: net.interfaceA) }
            defer { sender.close() }
            let macText = try net.hardwareAddress(of: net.interfaceA, in: net.a)
            #expect(NetworkInterface.hardwareAddressText(sender.interface.hardwareAddress) == macText)

            let vips = [net.address(100), net.address(101)]
            try await sender.announce(vips, count: 2, interval: .milliseconds(20))

            for _ in 0..<2 {
                for vip in vips {
                    let frame = try #require(capture.nextFrame(announcing: vip))
                    #expect(
                        frame == (try GratuitousARP.frame(for: vip, hardwareAddress: sender.interface.hardwareAddress)))
                    #expect(Array(frame[20..<22]) == [0, 1], "ARP request")
                    #expect(NetworkInterface.hardwareAddressText(Array(frame[22..<28])) == macText, "sender MAC")
                    #expect(Array(frame[38..<42]) == vip.bytes, "target = VIP")
                }
            }
        }
    }

    @Test(
        "a VMAC given to send is the sender address",
        .enabled(if: getuid() == 0, "needs root: raw sockets in network namespaces"))
    func virtualMAC() async throws {
        try await NamespacePair.with { net in
            let capture = try NetworkNamespace.withEntered(net.b) { try ARPCapture(interface: net.interfaceB) }
            let sender = try NetworkNamespace.withEntered(net.a) { try GratuitousARPSender(interface: net.interfaceA) }
            defer { sender.close() }
            let vmac: [UInt8] = [0x00, 0x00, 0x5E, 0x00, 0x01, 0x33]
            try sender.send([net.address(51)], hardwareAddress: vmac)
            let frame = try #require(capture.nextFrame(announcing: net.address(51)))
            #expect(Array(frame[6..<12]) == vmac)
            #expect(Array(frame[22..<28]) == vmac)
        }
    }
}
