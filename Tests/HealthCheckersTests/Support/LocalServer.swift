import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A real TCP server on loopback for probes to talk to. Each connection gets `behaviour`.
final class LocalServer: Sendable {
    enum Behaviour: Sendable {
        /// Once a full HTTP request head has arrived, write `reply` and close.
        case httpReply(String)
        /// Write `greeting` on accept, then answer each line whose prefix matches with its reply.
        case lineDialogue(greeting: String?, answers: [(prefix: String, reply: String)])
        /// On the first bytes of anything, write `reply` and close (a plain server meeting TLS).
        case replyToAnything(String)
        /// Accept and never write a byte.
        case silent
    }

    let channel: any Channel
    let port: Int
    private let log: RequestLog

    static let group = MultiThreadedEventLoopGroup.singleton

    /// Listens on `host` (127.0.0.1 or ::1), port chosen by the kernel; `tls` wraps every connection.
    static func start(
        _ behaviour: Behaviour, host: String = "127.0.0.1", tls: NIOSSLContext? = nil
    ) async throws -> LocalServer {
        let log = RequestLog()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.addHandler(Responder(behaviour, log: log))
                }
            }
            .bind(host: host, port: 0).get()
        return LocalServer(channel: channel, port: channel.localAddress!.port!, log: log)
    }

    private init(channel: any Channel, port: Int, log: RequestLog) {
        self.channel = channel
        self.port = port
        self.log = log
    }

    /// Every complete HTTP request head or dialogue line received so far.
    func requests() -> [String] { log.entries.withLock { $0 } }

    func stop() async {
        try? await channel.close()
    }

    /// A loopback port nothing listens on, held closed for the whole run (see `ClosedPort`).
    static func closedPort(host: String = "127.0.0.1") async throws -> Int {
        try ClosedPort.tcp(host: host)
    }

    /// A port free to bind right now (for `bind_port`, or a server another process starts):
    /// learnt from a server that is closed again.
    static func freePort(host: String = "127.0.0.1") async throws -> Int {
        let server = try await start(.silent, host: host)
        let port = server.port
        await server.stop()
        return port
    }
}

private final class RequestLog: Sendable {
    let entries = Mutex<[String]>([])
}

private final class Responder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let behaviour: LocalServer.Behaviour
    private let log: RequestLog
    private var received = ""

    init(_ behaviour: LocalServer.Behaviour, log: RequestLog) {
        self.behaviour = behaviour
        self.log = log
    }

    func channelActive(context: ChannelHandlerContext) {
        if case .lineDialogue(let greeting?, _) = behaviour {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: greeting)), promise: nil)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        received += buffer.readString(length: buffer.readableBytes) ?? ""
        switch behaviour {
        case .silent:
            break
        case .replyToAnything(let reply):
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: reply)), promise: nil)
            context.close(promise: nil)
        case .httpReply(let reply):
            guard received.contains("\r\n\r\n") else { return }
            let request = received
            log.entries.withLock { $0.append(request) }
            received = ""
            // Close once written: the reply's end is the connection's end, as HTTP/1.0 servers do.
            let closed = context.eventLoop.makePromise(of: Void.self)
            closed.futureResult.whenComplete { [channel = context.channel] _ in channel.close(promise: nil) }
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: reply)), promise: closed)
        case .lineDialogue(_, let answers):
            // By bytes: in a Swift String "\r\n" is one Character, which a search for "\n" misses.
            while let newline = received.utf8.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(received[..<newline])
                received = String(received[received.utf8.index(after: newline)...])
                log.entries.withLock { $0.append(line) }
                if let answer = answers.first(where: { line.hasPrefix($0.prefix) }) {
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: answer.reply)), promise: nil)
                }
                if line.hasPrefix("QUIT") { context.close(promise: nil) }
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// An HTTP/1.0 reply with a Content-Length, as simple servers send it.
func httpReply(status: Int = 200, reason: String = "OK", body: String) -> String {
    "HTTP/1.0 \(status) \(reason)\r\nContent-Type: text/html\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
}
