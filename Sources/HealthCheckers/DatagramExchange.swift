import NIOCore
import NIOPosix

/// Sends one datagram on a connected UDP (or ICMP datagram) socket and waits up to the target's
/// timeout for the first reply or ICMP error. A connected socket is what turns an ICMP port or
/// host unreachable into ECONNREFUSED / EHOSTUNREACH on our next read.
enum DatagramExchange {
    /// nil when nothing came back in time.
    static func run(
        remote: SocketAddress, local: SocketAddress?, payload: ByteBuffer, timeout: TimeAmount,
        subtype: NIOBSDSocket.ProtocolSubtype? = nil, socketOptions: CheckerSocketOptions = .init(),
        on group: any EventLoopGroup
    ) async -> Result<ByteBuffer?, ProbeFailure> {
        let eventLoop = group.next()
        let reply = eventLoop.makePromise(of: ByteBuffer?.self)
        var bootstrap = DatagramBootstrap(group: eventLoop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(FirstDatagram(reply))
                }
            }
        if let subtype { bootstrap = bootstrap.protocolSubtype(subtype) }
        if local != nil { bootstrap = bootstrap.channelOption(.socketOption(.so_reuseaddr), value: 1) }
        let channel: any Channel
        do {
            bootstrap = try bootstrap.checkerSocketOptions(socketOptions)
            if let local {
                channel = try await bootstrap.bind(to: local).get()
                try await channel.connect(to: remote).get()
            } else {
                channel = try await bootstrap.connect(to: remote).get()
            }
        } catch {
            reply.fail(error)
            return .failure(.from(error))
        }
        let timer = eventLoop.scheduleTask(in: timeout) { reply.succeed(nil) }
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: remote, data: payload)).whenFailure { error in
            reply.fail(error)
        }
        defer {
            timer.cancel()
            channel.close(promise: nil)
        }
        do {
            return .success(try await reply.futureResult.get())
        } catch {
            return .failure(.from(error))
        }
    }
}

/// Completes the promise with the first datagram or the first error (an ICMP error arrives
/// as one); the promise may already be done, so every completion is a `try`.
private final class FirstDatagram: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    private let promise: EventLoopPromise<ByteBuffer?>

    init(_ promise: EventLoopPromise<ByteBuffer?>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        promise.succeed(unwrapInboundIn(data).data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.succeed(nil)
    }
}
