import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import Synchronization

/// A TLS server on loopback that answers the first request head with `reply` and then waits for
/// the client to close, recording how each connection ended: with the client's close_notify
/// (NIOSSL completes a clean shutdown) or without it (NIOSSL reports an unclean shutdown).
final class TLSCloseRecorder: Sendable {
    enum Ending: Sendable, Hashable {
        case closeNotify
        case abrupt
    }

    let channel: any Channel
    let port: Int
    private let log: EndingLog

    static func start(reply: String, tls: NIOSSLContext) async throws -> TLSCloseRecorder {
        let log = EndingLog()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                    try channel.pipeline.syncOperations.addHandler(Observer(reply: reply, log: log))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return TLSCloseRecorder(channel: channel, port: channel.localAddress!.port!, log: log)
    }

    private init(channel: any Channel, port: Int, log: EndingLog) {
        self.channel = channel
        self.port = port
        self.log = log
    }

    /// How the connections so far ended; polls until `count` have (the server sees the end a
    /// moment after the client is done).
    func endings(count: Int) async throws -> [Ending] {
        for _ in 0..<400 where log.endings.withLock({ $0.count }) < count {
            try await Task.sleep(for: .milliseconds(10))
        }
        return log.endings.withLock { $0 }
    }

    func stop() async {
        try? await channel.close()
    }
}

private final class EndingLog: Sendable {
    let endings = Mutex<[TLSCloseRecorder.Ending]>([])
    func record(_ ending: TLSCloseRecorder.Ending) { endings.withLock { $0.append(ending) } }
}

private final class Observer: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let reply: String
    private let log: EndingLog
    private var received = ""
    private var recorded = false

    init(reply: String, log: EndingLog) {
        self.reply = reply
        self.log = log
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        received += buffer.readString(length: buffer.readableBytes) ?? ""
        if received.contains("\r\n\r\n") {
            received = ""
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: reply)), promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .shutdownCompleted = event { record(.closeNotify) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? NIOSSLError, case .uncleanShutdown = error { record(.abrupt) }
        context.close(promise: nil)
    }

    private func record(_ ending: TLSCloseRecorder.Ending) {
        guard !recorded else { return }
        recorded = true
        log.record(ending)
    }
}
