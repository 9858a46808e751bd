import Glibc
import Testing
import VRRP
import VRRPSockets

@Suite("Interface lookup, namespaces and errors")
struct InterfaceAndErrorTests {
    @Test("loopback has index 1 and 127.0.0.1 as primary address")
    func loopback() throws {
        let lo = try NetworkInterface.named("lo")
        #expect(lo.index == 1)
        #expect(lo.primaryIPv4Address == InetAddress(127, 0, 0, 1))
    }

    @Test("an unknown or invalid interface name is an error")
    func unknownInterface() {
        #expect(throws: VRRPSocketError.noSuchInterface("nosuchif0")) { try NetworkInterface.named("nosuchif0") }
        #expect(throws: VRRPSocketError.noSuchInterface("")) { try NetworkInterface.named("") }
        let long = String(repeating: "x", count: 40)
        #expect(throws: VRRPSocketError.noSuchInterface(long)) { try VRRPSocket(.init(interface: long)) }
    }

    @Test("a group that is not multicast, or IPv6, is refused before any socket opens")
    func badAddresses() {
        let unicastGroup = InetAddress(10, 0, 0, 1)
        #expect(throws: VRRPSocketError.unsupportedAddress(unicastGroup)) {
            try VRRPSocket(.init(interface: "lo", destination: .multicast(group: unicastGroup)))
        }
        let v6 = InetAddress("fe80::1")!
        #expect(throws: VRRPSocketError.unsupportedAddress(v6)) {
            try VRRPSocket(.init(interface: "lo", sourceAddress: v6))
        }
    }

    @Test("entering a namespace that does not exist is an error naming the path")
    func missingNamespace() {
        do {
            try NetworkNamespace.withEntered("kavrrp-no-such-namespace") {}
            Issue.record("entered a namespace that does not exist")
        } catch let error as VRRPSocketError {
            #expect(error == .system(operation: "open(/run/netns/kavrrp-no-such-namespace)", errno: ENOENT))
            #expect(error.errnoText == "No such file or directory")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test(
        "withEntered switches only for the body: interfaces differ inside and after",
        .enabled(if: getuid() == 0, "needs root: creates network namespaces"))
    func namespaceSwitchIsScoped() async throws {
        try await NamespacePair.with { net in
            let inside = try NetworkNamespace.withEntered(net.a) { try NetworkInterface.named(net.interfaceA) }
            #expect(inside.primaryIPv4Address == net.addressA)
            #expect(inside.hardwareAddress.count == 6)
            #expect(throws: VRRPSocketError.noSuchInterface(net.interfaceA)) {
                try NetworkInterface.named(net.interfaceA)
            }
        }
    }

    @Test(
        "an interface without IPv4 address and no configured source is an error, not a socket",
        .enabled(if: getuid() == 0, "needs root: creates network namespaces"))
    func noSourceAddress() async throws {
        try await NamespacePair.with { net in
            try ip("-n", net.b, "address", "flush", "dev", net.interfaceB)
            let refused = try NetworkNamespace.withEntered(net.b) {
                Result { () throws(VRRPSocketError) in try VRRPSocket(.init(interface: net.interfaceB)) }
            }
            #expect(throws: VRRPSocketError.noIPv4Address(interface: net.interfaceB)) { try refused.get() }
            // With a configured source the socket opens: keepalived's mcast_src_ip need not be local.
            let socket = try NetworkNamespace.withEntered(net.b) {
                try VRRPSocket(.init(interface: net.interfaceB, sourceAddress: net.addressB))
            }
            #expect(socket.sourceAddress == net.addressB)
            socket.close()
        }
    }
}
