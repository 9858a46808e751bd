import Foundation
import Glibc
import Synchronization

/// A TCP server that remembers each client's address, to see where a probe connected from.
///
/// It takes the address from accept(2) itself: TCP_CHECK closes with a reset, and once the reset
/// has arrived getpeername(2) (which NIO's `remoteAddress` uses) fails, so a NIO server misses the
/// peer whenever the reset wins the race with its accept.
final class AcceptRecorder: Sendable {
    private let listener: Int32
    private let log = Mutex<[String]>([])
    let port: Int

    private init(listener: Int32, port: Int) {
        self.listener = listener
        self.port = port
    }

    static func start() async throws -> AcceptRecorder {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 16) == 0
                    && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else {
            let code = errno
            close(fd)
            throw POSIXError(.init(rawValue: code) ?? .EIO)
        }
        let recorder = AcceptRecorder(listener: fd, port: Int(UInt16(bigEndian: address.sin_port)))
        Thread.detachNewThread { recorder.acceptLoop() }
        return recorder
    }

    private func acceptLoop() {
        while true {
            var peer = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let client = withUnsafeMutablePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(listener, $0, &length) }
            }
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return  // the listener was shut down by stop()
            }
            close(client)
            var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
            inet_ntop(AF_INET, &peer.sin_addr, &text, socklen_t(text.count))
            let entry = "\(String(cString: text)):\(UInt16(bigEndian: peer.sin_port))"
            log.withLock { $0.append(entry) }
        }
    }

    func peers() async -> [String] { log.withLock { $0 } }

    /// Shutting the listener down wakes the blocked accept(2); the thread then closes nothing else.
    func stop() async {
        shutdown(listener, Int32(SHUT_RDWR))
    }

    deinit { close(listener) }
}
