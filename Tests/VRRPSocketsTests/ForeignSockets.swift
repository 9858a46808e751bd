import CLinux
import Glibc
import VRRP
import VRRPSockets

/// Sockets the tests use to look at the wire independently of the module under test.

/// A plain raw VRRP socket without `IP_HDRINCL`: the kernel builds the IP header with its
/// defaults (unicast TTL 64), as a careless or foreign sender would.
final class PlainRawSocket {
    let fd: Int32

    init() throws {
        fd = socket(AF_INET, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 112)
        guard fd >= 0 else { throw TestFailure("socket: errno \(errno)") }
    }

    deinit { close(fd) }

    func send(_ message: [UInt8], to destination: InetAddress) throws {
        guard case .v4(let value) = destination else { throw TestFailure("IPv4 only") }
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_addr = in_addr(s_addr: value.bigEndian)
        let sent = message.withUnsafeBytes { buffer in
            withUnsafePointer(to: &target) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, buffer.baseAddress, buffer.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard sent == message.count else { throw TestFailure("sendto: \(sent), errno \(errno)") }
    }
}

/// An AF_PACKET socket bound to one interface that reads every ARP frame arriving there.
final class ARPCapture {
    let fd: Int32

    init(interface: String) throws {
        let protocolARP = UInt16(ETH_P_ARP).bigEndian
        fd = socket(AF_PACKET, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), Int32(protocolARP))
        guard fd >= 0 else { throw TestFailure("socket(AF_PACKET): errno \(errno)") }
        var link = sockaddr_ll()
        link.sll_family = UInt16(AF_PACKET)
        link.sll_protocol = protocolARP
        link.sll_ifindex = Int32(bitPattern: if_nametoindex(interface))
        let bound = withUnsafePointer(to: &link) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_ll>.size))
            }
        }
        guard bound == 0 else {
            close(fd)
            throw TestFailure("bind(AF_PACKET, \(interface)): errno \(errno)")
        }
    }

    deinit { close(fd) }

    /// The next ARP frame whose sender protocol address is `address`, or nil when none came
    /// within `milliseconds`. Blocks the calling thread in poll(2): test use only.
    func nextFrame(announcing address: InetAddress, milliseconds: Int32 = 10_000) -> [UInt8]? {
        var remaining = milliseconds
        var buffer = [UInt8](repeating: 0, count: 2048)
        while remaining > 0 {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let step: Int32 = 100
            guard poll(&descriptor, 1, step) >= 0 else { return nil }
            remaining -= step
            guard descriptor.revents & Int16(POLLIN) != 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count >= GratuitousARP.frameLength else { continue }
            let frame = Array(buffer[..<count])
            if Array(frame[28..<32]) == address.bytes { return frame }
        }
        return nil
    }
}
