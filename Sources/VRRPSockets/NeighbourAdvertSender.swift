import CLinux
import Glibc
import VRRP

/// A packet socket that sends unsolicited neighbour adverts on one interface, the IPv6 side of
/// `GratuitousARPSender`: whole Ethernet frames as keepalived sends them, so the source MAC can
/// be the interface's or a VMAC. Opened with protocol 0: it never receives.
public final class NeighbourAdvertSender: Sendable {
    /// The interface as it was when the sender opened.
    public let interface: NetworkInterface
    private let descriptor: SocketDescriptor
    /// `net.ipv6.conf.IF.forwarding`, opened in the sender's namespace and re-read per send.
    private let forwarding: SocketDescriptor?

    /// Opens the packet socket in the calling thread's network namespace.
    public init(interface name: String) throws(VRRPSocketError) {
        let interface = try NetworkInterface.named(name)
        let fd = socket(AF_PACKET, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .lastError("socket(AF_PACKET, SOCK_RAW)") }
        self.interface = interface
        self.descriptor = SocketDescriptor(fd)
        let file = clinux_open_readonly("/proc/sys/net/ipv6/conf/\(name)/forwarding")
        self.forwarding = file >= 0 ? SocketDescriptor(file) : nil
    }

    /// Sends one neighbour advert per IPv6 address, in order (IPv4 addresses are refused).
    /// `hardwareAddress` overrides the interface's MAC (a VMAC). Every address is tried; the
    /// first error is thrown.
    public func send(_ addresses: [InetAddress], hardwareAddress: [UInt8]? = nil) throws(VRRPSocketError) {
        if let hardwareAddress, hardwareAddress.count != 6 { throw .invalidHardwareAddress(hardwareAddress) }
        let source = hardwareAddress ?? interface.hardwareAddress
        guard source.count == 6 else { throw .noHardwareAddress(interface: interface.name) }
        let isRouter = forwardsIPv6
        var firstError: VRRPSocketError?
        for address in addresses {
            guard
                let advert = try? UnsolicitedNeighbourAdvert(
                    target: address, hardwareAddress: source, isRouter: isRouter)
            else {
                if firstError == nil { firstError = .unsupportedAddress(address) }
                continue
            }
            do {
                let frame = advert.ethernetFrame
                try descriptor.withOpenDescriptor { (fd) throws(VRRPSocketError) in
                    try sendFrame(fd, frame, "sendto(neighbour advert for \(address)) on \(interface.name)")
                }
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        if let firstError { throw firstError }
    }

    /// `count` rounds of `send(_:hardwareAddress:)`, `interval` apart. Stops when cancelled.
    public func announce(
        _ addresses: [InetAddress], hardwareAddress: [UInt8]? = nil, count: Int = 1, interval: Duration = .zero
    ) async throws {
        for round in 0..<max(count, 0) {
            if round > 0, interval > .zero { try await Task.sleep(for: interval) }
            try Task.checkCancellation()
            try send(addresses, hardwareAddress: hardwareAddress)
        }
    }

    /// Whether the interface forwards IPv6: keepalived then sets the router flag, so hosts
    /// keep the new master as their default router. Read at send time, in the namespace the
    /// sender was opened in (a /proc/sys file answers for the namespace it was opened in).
    var forwardsIPv6: Bool {
        guard let forwarding else { return false }
        let value = try? forwarding.withOpenDescriptor { fd -> UInt8? in
            var byte: UInt8 = 0
            return pread(fd, &byte, 1, 0) == 1 ? byte : nil
        }
        return (value ?? nil).map { $0 != UInt8(ascii: "0") } ?? false
    }

    public func close() {
        descriptor.close()
        forwarding?.close()
    }

    private func sendFrame(_ fd: Int32, _ frame: [UInt8], _ label: String) throws(VRRPSocketError) {
        var link = sockaddr_ll()
        link.sll_family = UInt16(AF_PACKET)
        link.sll_protocol = UnsolicitedNeighbourAdvert.etherType.bigEndian
        link.sll_ifindex = interface.index
        link.sll_halen = 6
        withUnsafeMutableBytes(of: &link.sll_addr) { bytes in
            for (index, byte) in UnsolicitedNeighbourAdvert.allNodesHardwareAddress.enumerated() { bytes[index] = byte }
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
