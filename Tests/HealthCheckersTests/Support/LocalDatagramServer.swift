import NIOCore
import NIOPosix

/// A UDP server on loopback: answers each datagram with `answer(request)`, or stays silent
/// when that returns nil.
final class LocalDatagramServer: Sendable {
    let channel: any Channel
    let port: Int

    static func start(
        host: String = "127.0.0.1", answer: @escaping @Sendable ([UInt8]) -> [UInt8]?
    ) async throws -> LocalDatagramServer {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Answerer(answer))
                }
            }
            .bind(host: host, port: 0).get()
        return LocalDatagramServer(channel: channel)
    }

    private init(channel: any Channel) {
        self.channel = channel
        self.port = channel.localAddress!.port!
    }

    func stop() async { try? await channel.close() }

    /// A loopback UDP port nothing listens on, held closed for the whole run (see `ClosedPort`).
    static func closedPort() async throws -> Int {
        try ClosedPort.udp()
    }
}

private final class Answerer: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>
    private let answer: @Sendable ([UInt8]) -> [UInt8]?

    init(_ answer: @escaping @Sendable ([UInt8]) -> [UInt8]?) {
        self.answer = answer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let reply = answer(Array(envelope.data.readableBytesView)) else { return }
        let out = AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: ByteBuffer(bytes: reply))
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }
}

/// A DNS responder's reply to `query`: same id and question, QR set, and `answers` A records.
func dnsReply(to query: [UInt8], answers: Int, idOffset: UInt16 = 0) -> [UInt8] {
    guard query.count >= 12 else { return [] }
    var reply = query
    let id = (UInt16(query[0]) << 8 | UInt16(query[1])) &+ idOffset
    reply[0] = UInt8(id >> 8)
    reply[1] = UInt8(id & 0xff)
    reply[2] = 0x81
    reply[3] = answers > 0 ? 0x80 : 0x83
    reply[6] = 0
    reply[7] = UInt8(answers)
    for _ in 0..<answers {
        reply += [0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]
    }
    return reply
}
