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

/// A packet socket that sends gratuitous ARP on one interface. It is opened with protocol 0,
/// so the kernel never queues received frames to it: it only sends.
public final class GratuitousARPSender: Sendable {
    /// The interface as it was when the sender opened.
    public let interface: NetworkInterface
    private let descriptor: SocketDescriptor

    /// Opens the packet socket in the calling thread's network namespace.
    public init(interface name: String) throws(VRRPSocketError) {
        let interface = try NetworkInterface.named(name)
        let fd = socket(AF_PACKET, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .lastError("socket(AF_PACKET, SOCK_RAW)") }
        self.interface = interface
        self.descriptor = SocketDescriptor(fd)
    }

    /// Sends one gratuitous ARP per address, in order. `hardwareAddress` overrides the
    /// interface's MAC (a VMAC). Every address is tried; the first error is thrown.
    public func send(_ addresses: [InetAddress], hardwareAddress: [UInt8]? = nil) throws(VRRPSocketError) {
        if let hardwareAddress, hardwareAddress.count != 6 { throw .invalidHardwareAddress(hardwareAddress) }
        let source = hardwareAddress ?? interface.hardwareAddress
        guard source.count == 6 else { throw .noHardwareAddress(interface: interface.name) }
        var firstError: VRRPSocketError?
        for address in addresses {
            do {
                let frame = try GratuitousARP.frame(for: address, hardwareAddress: source)
                try descriptor.withOpenDescriptor { (fd) throws(VRRPSocketError) in
                    try sendFrame(fd, frame, "sendto(gratuitous ARP for \(address)) on \(interface.name)")
                }
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        if let firstError { throw firstError }
    }

    /// Sends `count` rounds of `send(_:hardwareAddress:)`, `interval` apart: keepalived's
    /// `garp_master_repeat` at one `garp_master_delay` point. Stops early when cancelled.
    public func announce(
        _ addresses: [InetAddress], hardwareAddress: [UInt8]? = nil, count: Int = 1, interval: Duration = .zero
    ) async throws {
        for round in 0..<max(count, 0) {
            if round > 0, interval > .zero { try await Task.sleep(for: interval) }
            try Task.checkCancellation()
            try send(addresses, hardwareAddress: hardwareAddress)
        }
    }

    public func close() {
        descriptor.close()
    }

    private func sendFrame(_ fd: Int32, _ frame: [UInt8], _ label: String) throws(VRRPSocketError) {
        var link = sockaddr_ll()
        link.sll_family = UInt16(AF_PACKET)
        link.sll_protocol = UInt16(ETH_P_ARP).bigEndian
        link.sll_ifindex = interface.index
        link.sll_halen = 6
        withUnsafeMutableBytes(of: &link.sll_addr) { bytes in
            for index in 0..<6 { bytes[index] = 0xFF }
        }
        let sent = frame.withUnsafeBytes { buffer in
            withUnsafePointer(to: &link) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                    sendto(
                        fd, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT), address,
                        socklen_t(MemoryLayout<sockaddr_ll>.size))
                }
            }
        }
        if sent < 0 { throw .lastError(label) }
        if sent != frame.count { throw .shortSend(sent: sent, expected: frame.count) }
    }
}
