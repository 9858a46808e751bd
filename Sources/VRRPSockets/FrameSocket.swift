import CLinux
import Glibc
import VRRP

/// A send-only packet socket on one interface, for the whole Ethernet frames that announce a
/// takeover: gratuitous ARP and unsolicited neighbour adverts. Opened with protocol 0, so the
/// kernel never queues received frames to it.
struct FrameSocket: Sendable {
    let interface: NetworkInterface
    let descriptor: SocketDescriptor

    /// Opens the packet socket in the calling thread's network namespace.
    init(interface name: String) throws(VRRPSocketError) {
        let interface = try NetworkInterface.named(name)
        let fd = socket(AF_PACKET, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .lastError("socket(AF_PACKET, SOCK_RAW)") }
        self.interface = interface
        self.descriptor = SocketDescriptor(fd)
    }

    /// The source MAC: `override` (a VMAC) when given, else the interface's.
    func sourceAddress(_ override: [UInt8]?) throws(VRRPSocketError) -> [UInt8] {
        if let override, override.count != 6 { throw .invalidHardwareAddress(override) }
        let source = override ?? interface.hardwareAddress
        guard source.count == 6 else { throw .noHardwareAddress(interface: interface.name) }
        return source
    }

    /// Sends one frame per address, in order. Every address is tried; the first error is thrown.
    func sendEach(
        _ addresses: [InetAddress], kind: String, etherType: UInt16, destination: [UInt8],
        frame: (InetAddress) throws(VRRPSocketError) -> [UInt8]
    ) throws(VRRPSocketError) {
        var firstError: VRRPSocketError?
        for address in addresses {
            do {
                let bytes = try frame(address)
                try descriptor.withOpenDescriptor { (fd) throws(VRRPSocketError) in
                    try send(
                        fd, bytes, etherType: etherType, destination: destination,
                        "sendto(\(kind) for \(address)) on \(interface.name)")
                }
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        if let firstError { throw firstError }
    }

    private func send(
        _ fd: Int32, _ frame: [UInt8], etherType: UInt16, destination: [UInt8], _ label: String
    ) throws(VRRPSocketError) {
        var link = sockaddr_ll()
        link.sll_family = UInt16(AF_PACKET)
        link.sll_protocol = etherType.bigEndian
        link.sll_ifindex = interface.index
        link.sll_halen = 6
        withUnsafeMutableBytes(of: &link.sll_addr) { bytes in
            for (index, byte) in destination.prefix(6).enumerated() { bytes[index] = byte }
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

/// `count` rounds of a sender's `send`, `interval` apart: keepalived's `garp_master_repeat` at
/// one `garp_master_delay` point. Stops early when cancelled.
func announceRounds(
    count: Int, interval: Duration, _ send: () throws(VRRPSocketError) -> Void
) async throws {
    for round in 0..<max(count, 0) {
        if round > 0, interval > .zero { try await Task.sleep(for: interval) }
        try Task.checkCancellation()
        try send()
    }
}
