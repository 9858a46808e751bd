import NIOCore

/// Splits the server's byte stream into reply lines (CRLF or bare LF), the unit every SMTP
/// stage waits for.
struct SMTPReplyLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String

    /// Longer than any sane reply line (RFC 5321 allows 512 octets): the peer is not SMTP.
    static let maximumLineLength = 4096

    struct LineTooLong: Error {}

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maximumLineLength { throw LineTooLong() }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex + 1
        guard var line = buffer.readString(length: length) else { return .needMoreData }
        while line.last == "\n" || line.last == "\r" { line.removeLast() }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// Turns `IdleStateHandler`'s read timeout into an error on the inbound stream, so a silent
/// server ends the session after `smtp_connect_timeout` like keepalived's per-stage timer.
final class ReplyTimeoutHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = String
    typealias InboundOut = String

    struct ReplyTimeout: Error {}

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            context.fireErrorCaught(ReplyTimeout())
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}

/// One reply: its code and, for multi-line replies, the text of the last line.
struct SMTPReply: Sendable, Hashable {
    var code: Int
    var text: String

    /// Parses `NNN text` / `NNN-text`; nil when the line does not start with a code.
    /// `isFinal` is false for the continuation lines of a multi-line reply.
    static func parse(_ line: String) -> (reply: SMTPReply, isFinal: Bool)? {
        let bytes = Array(line.utf8)
        guard bytes.count >= 3, bytes[0..<3].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        let code = bytes[0..<3].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        let separator = bytes.count > 3 ? bytes[3] : UInt8(ascii: " ")
        guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else { return nil }
        let text = bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : ""
        return (SMTPReply(code: code, text: text), separator == UInt8(ascii: " "))
    }
}
