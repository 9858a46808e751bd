import CLinux
import Glibc
import VRRP

/// Gratuitous ARP as keepalived sends it for its virtual IPv4 addresses: a broadcast ARP
/// request whose sender and target address are both the VIP, from the interface's MAC (or the
/// VMAC), so neighbours update their caches to the new master.
public enum GratuitousARP {
    public static let broadcastAddress: [UInt8] = Array(repeating: 0xFF, count: 6)
    /// Ethernet header (14) plus an Ethernet/IPv4 ARP message (28), unpadded like keepalived's.
    public static let frameLength = 42
    static let etherTypeARP: UInt16 = 0x0806
    static let etherTypeIPv4: UInt16 = 0x0800
    static let hardwareTypeEthernet: UInt16 = 1
    static let operationRequest: UInt16 = 1

    /// The whole Ethernet frame for `address`, sent from `hardwareAddress`. keepalived's
    /// layout: destination and target MAC ff:ff:ff:ff:ff:ff, operation request.
    public static func frame(for address: InetAddress, hardwareAddress: [UInt8]) throws(VRRPSocketError) -> [UInt8] {
        guard case .v4 = address else { throw .unsupportedAddress(address) }
        guard hardwareAddress.count == 6 else { throw .invalidHardwareAddress(hardwareAddress) }
        var frame: [UInt8] = []
        frame.reserveCapacity(frameLength)
        frame += broadcastAddress
        frame += hardwareAddress
        append(etherTypeARP, to: &frame)
        append(hardwareTypeEthernet, to: &frame)
        append(etherTypeIPv4, to: &frame)
        frame.append(6)
        frame.append(4)
        append(operationRequest, to: &frame)
        frame += hardwareAddress
        frame += address.bytes
        frame += broadcastAddress
        frame += address.bytes
        return frame
    }

    private static func append(_ value: UInt16, to frame: inout [UInt8]) {
        frame.append(UInt8(value >> 8))
        frame.append(UInt8(value & 0xFF))
    }
}

/// Sends gratuitous ARP on one interface (see `FrameSocket`).
public final class GratuitousARPSender: Sendable {
    private let socket: FrameSocket
    /// The interface as it was when the sender opened.
    public var interface: NetworkInterface { socket.interface }

    /// Opens the packet socket in the calling thread's network namespace.
    public init(interface name: String) throws(VRRPSocketError) {
        socket = try FrameSocket(interface: name)
    }

    /// Sends one gratuitous ARP per address, in order. `hardwareAddress` overrides the
    /// interface's MAC (a VMAC). Every address is tried; the first error is thrown.
    public func send(_ addresses: [InetAddress], hardwareAddress: [UInt8]? = nil) throws(VRRPSocketError) {
        let source = try socket.sourceAddress(hardwareAddress)
        try socket.sendEach(
            addresses, kind: "gratuitous ARP", etherType: UInt16(ETH_P_ARP),
            destination: [UInt8](repeating: 0xFF, count: 6)
        ) { (address) throws(VRRPSocketError) in
            try GratuitousARP.frame(for: address, hardwareAddress: source)
        }
    }

    /// Sends `count` rounds of `send(_:hardwareAddress:)`, `interval` apart: keepalived's
    /// `garp_master_repeat` at one `garp_master_delay` point. Stops early when cancelled.
    public func announce(
        _ addresses: [InetAddress], hardwareAddress: [UInt8]? = nil, count: Int = 1, interval: Duration = .zero
    ) async throws {
        try await announceRounds(count: count, interval: interval) { () throws(VRRPSocketError) in
            try send(addresses, hardwareAddress: hardwareAddress)
        }
    }

    public func close() {
        socket.descriptor.close()
    }
}
