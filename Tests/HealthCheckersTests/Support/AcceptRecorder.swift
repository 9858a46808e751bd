import NIOCore
import NIOPosix
import Synchronization

/// A TCP server that remembers each client's address, to see where a probe connected from.
final class AcceptRecorder: Sendable {
    private let channel: any Channel
    private let log: PeerLog
    let port: Int

    private init(channel: any Channel, log: PeerLog) {
        self.channel = channel
        self.log = log
        self.port = channel.localAddress!.port!
    }

    static func start() async throws -> AcceptRecorder {
        let log = PeerLog()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                if let remote = child.remoteAddress, let ip = remote.ipAddress, let port = remote.port {
                    log.entries.withLock { $0.append("\(ip):\(port)") }
                }
                return child.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return AcceptRecorder(channel: channel, log: log)
    }

    func peers() async -> [String] { log.entries.withLock { $0 } }

    func stop() async { try? await channel.close() }
}

private final class PeerLog: Sendable {
    let entries = Mutex<[String]>([])
}
