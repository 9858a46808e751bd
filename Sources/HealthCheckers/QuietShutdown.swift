import NIOCore

/// keepalived's default TLS close (`SSL_set_quiet_shutdown`): the socket is closed without a
/// close_notify. Sits between the socket and the TLS handler, so a close started here never
/// passes through the TLS handler, which would send close_notify and wait for the peer's.
/// `tls_compliant` leaves this handler out and closes through TLS.
final class QuietShutdown: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = Any
    typealias OutboundOut = Any

    /// Closes `channel` from this handler, when it has one, and waits for the socket to close.
    static func close(_ channel: any Channel) async {
        channel.eventLoop.execute {
            guard let context = try? channel.pipeline.syncOperations.context(handlerType: QuietShutdown.self) else {
                return
            }
            context.close(promise: nil)
        }
        try? await channel.closeFuture.get()
    }
}
