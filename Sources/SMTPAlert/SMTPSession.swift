import NIOCore
import NIOPosix

/// One SMTP conversation delivering one alert: connect, HELO, MAIL, RCPT per recipient, DATA,
/// the mail, QUIT. Every stage waits at most `smtp_connect_timeout` for its reply.
struct SMTPSession {
    let settings: SMTPAlertSettings
    let group: any EventLoopGroup

    private var server: String { settings.serverDescription }

    func deliver(_ message: AlertMessage, date: String) async throws(SMTPAlertError) {
        let channel = try await connect()
        let mail = message.rendered(from: settings.from, to: settings.recipients, date: date)
        do {
            try await channel.executeThenClose { inbound, outbound in
                var replies = inbound.makeAsyncIterator()
                try await expect(.connect, from: &replies)
                try await send("HELO \(settings.heloName)\r\n", .helo, to: outbound, from: &replies)
                try await send("MAIL FROM:<\(settings.from)>\r\n", .mail, to: outbound, from: &replies)
                for recipient in settings.recipients {
                    try await send("RCPT TO:<\(recipient)>\r\n", .rcpt, to: outbound, from: &replies)
                }
                try await send("DATA\r\n", .data, to: outbound, from: &replies)
                try await send(mail, .body, to: outbound, from: &replies)
                // The alert is accepted; a server that drops the line at QUIT changes nothing.
                try? await send("QUIT\r\n", .quit, to: outbound, from: &replies)
            }
        } catch let error as SMTPAlertError {
            throw error
        } catch {
            throw .closed(server: server, stage: .connect)
        }
    }

    private func connect() async throws(SMTPAlertError) -> NIOAsyncChannel<String, ByteBuffer> {
        let timeout = TimeAmount.nanoseconds(Self.nanoseconds(settings.timeout))
        do {
            return try await ClientBootstrap(group: group)
                .connectTimeout(timeout)
                .connect(host: settings.host, port: settings.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let handlers = channel.pipeline.syncOperations
                        try handlers.addHandler(IdleStateHandler(readTimeout: timeout))
                        try handlers.addHandler(ByteToMessageHandler(SMTPReplyLineDecoder()))
                        try handlers.addHandler(ReplyTimeoutHandler())
                        return try NIOAsyncChannel<String, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch ChannelError.connectTimeout {
            throw .timedOut(server: server, stage: .connect)
        } catch {
            throw .connectionFailed(server: server, reason: "\(error)")
        }
    }

    private func send(
        _ command: String, _ stage: SMTPStage, to outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        from replies: inout NIOAsyncChannelInboundStream<String>.AsyncIterator
    ) async throws(SMTPAlertError) {
        do {
            try await outbound.write(ByteBuffer(string: command))
        } catch {
            throw .closed(server: server, stage: stage)
        }
        try await expect(stage, from: &replies)
    }

    /// Reads one (possibly multi-line) reply and checks its code.
    private func expect(_ stage: SMTPStage, from replies: inout NIOAsyncChannelInboundStream<String>.AsyncIterator)
        async throws(SMTPAlertError)
    {
        while true {
            let line: String?
            do {
                line = try await replies.next()
            } catch is ReplyTimeoutHandler.ReplyTimeout {
                throw .timedOut(server: server, stage: stage)
            } catch {
                throw .closed(server: server, stage: stage)
            }
            guard let line else { throw .closed(server: server, stage: stage) }
            guard let (reply, isFinal) = SMTPReply.parse(line) else {
                throw .malformedReply(server: server, stage: stage, line: line)
            }
            guard isFinal else { continue }
            guard reply.code == stage.expectedCode else {
                throw .rejected(server: server, stage: stage, code: reply.code)
            }
            return
        }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
