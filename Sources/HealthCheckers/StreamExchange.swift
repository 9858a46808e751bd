import KeepalivedConfig
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// How a stream probe wraps its connection in TLS (SSL_GET, genhash -S).
struct TLSSetup: Sendable {
    /// Built once per probe: creating a context costs far more than a handshake.
    var context: NIOSSLContext
    /// Sent as SNI; nil sends none (and an IP address is never sent).
    var serverName: String?
    /// `tls_compliant`: end with close_notify and wait for the peer's. Without it the socket is
    /// closed with no close_notify, as keepalived's quiet shutdown does.
    var compliantShutdown = false

    /// keepalived's client: no certificate verification; the `SSL` block's certificate, when
    /// there is one, for servers that ask for a client certificate.
    static func keepalivedDefault(serverName: String?, client: SSLClient? = nil) throws -> TLSSetup {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        if let client { try configuration.presentCertificate(of: client) }
        return TLSSetup(context: try NIOSSLContext(configuration: configuration), serverName: serverName)
    }
}

/// One TCP (optionally TLS) connection for a request/response dialogue. The connect is bounded
/// by `connect_timeout`; so is the dialogue after it (a timer closes the channel), which is how
/// a server that accepts and never answers fails with `.timeout`.
enum StreamExchange {
    typealias Inbound = NIOAsyncChannelInboundStream<ByteBuffer>
    typealias Outbound = NIOAsyncChannelOutboundWriter<ByteBuffer>

    static func run<Result: Sendable>(
        to target: ProbeTarget, tls: TLSSetup?, on group: any EventLoopGroup,
        _ body: (inout StreamReader, Outbound) async throws -> Result
    ) async -> Swift.Result<Result, ProbeFailure> {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await connect(to: target, tls: tls, on: group)
        } catch {
            return .failure(.from(error))
        }
        let expired = Expiry()
        let timer = channel.channel.eventLoop.scheduleTask(in: target.timeAmount) { [channel = channel.channel] in
            expired.fire()
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        do {
            let value = try await channel.executeThenClose { inbound, outbound in
                var reader = StreamReader(inbound)
                let value = try await body(&reader, outbound)
                // The answer is in: a timer firing during the close below does not change it.
                expired.finish()
                if let tls, !tls.compliantShutdown { await QuietShutdown.close(channel.channel) }
                return value
            }
            // The timer's close ends the inbound stream like an EOF: it is still a timeout.
            return expired.fired ? .failure(.timeout) : .success(value)
        } catch {
            if expired.fired { return .failure(.timeout) }
            return .failure(.from(error))
        }
    }

    /// Connects, binding first when `bindto`/`bind_port` are set, with `fwmark` and `bind_if`.
    static func connect(
        to target: ProbeTarget, tls: TLSSetup?, on group: any EventLoopGroup
    ) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        let remote = try target.remoteAddress()
        var bootstrap = ClientBootstrap(group: group)
            .connectTimeout(target.timeAmount)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
        if let local = try target.localAddress() {
            bootstrap = bootstrap.channelOption(.socketOption(.so_reuseaddr), value: 1).bind(to: local)
        }
        bootstrap = try bootstrap.checkerSocketOptions(target.socketOptions)
        return try await bootstrap.connect(to: remote) { channel in
            channel.eventLoop.makeCompletedFuture {
                if let tls {
                    let handler = try NIOSSLClientHandler(
                        context: tls.context, serverHostname: tls.serverName.flatMap(sniName))
                    if !tls.compliantShutdown { try channel.pipeline.syncOperations.addHandler(QuietShutdown()) }
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
                return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
    }

    /// SNI carries host names only: an address literal (or an empty name) sends none.
    private static func sniName(_ name: String) -> String? {
        let host = name.split(separator: ":").count > 2 ? name : String(name.split(separator: ":").first ?? "")
        if host.isEmpty || (try? SocketAddress(ipAddress: host, port: 0)) != nil { return nil }
        return host
    }
}

extension NIOAsyncChannelOutboundWriter<ByteBuffer> {
    /// Writes `text`; a failed write is left for the reader to explain, since the cause (a TLS
    /// alert, a reset, the peer's close) arrives on the inbound side.
    func send(_ text: String) async {
        try? await write(ByteBuffer(string: text))
    }
}

/// Set once by the timer, read by the task that sees the closed channel. Whichever comes
/// first wins: the timer firing, or the dialogue finishing.
final class Expiry: Sendable {
    private static let running: UInt8 = 0
    private static let expired: UInt8 = 1
    private static let finished: UInt8 = 2
    private let state = Atomic<UInt8>(Expiry.running)
    func fire() { _ = state.compareExchange(expected: Self.running, desired: Self.expired, ordering: .relaxed) }
    func finish() { _ = state.compareExchange(expected: Self.running, desired: Self.finished, ordering: .relaxed) }
    var fired: Bool { state.load(ordering: .relaxed) == Self.expired }
}

/// Reads a byte stream by lines (SMTP) or to its end (HTTP). A TLS peer that closes without
/// close_notify ends the stream like a plain EOF, as keepalived treats it.
struct StreamReader {
    private var iterator: StreamExchange.Inbound.AsyncIterator
    private var pending = ByteBuffer()
    private(set) var finished = false

    init(_ inbound: StreamExchange.Inbound) {
        iterator = inbound.makeAsyncIterator()
    }

    /// The next chunk, or nil at the end of the stream.
    mutating func next() async throws -> ByteBuffer? {
        if pending.readableBytes > 0 {
            defer { pending.clear() }
            return pending
        }
        if finished { return nil }
        do {
            if let chunk = try await iterator.next() { return chunk }
        } catch NIOSSLError.uncleanShutdown {
            // Many servers skip close_notify; the data before it is complete.
        }
        finished = true
        return nil
    }

    /// One line without its CR LF; nil when the stream ends first (a partial line is returned).
    mutating func readLine(limit: Int = 4096) async throws -> String? {
        while true {
            if let newline = pending.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
                let length = newline - pending.readerIndex
                var line = pending.readString(length: length) ?? ""
                pending.moveReaderIndex(forwardBy: 1)
                if line.hasSuffix("\r") { line.removeLast() }
                return line
            }
            if pending.readableBytes > limit { return pending.readString(length: pending.readableBytes) }
            guard !finished else {
                return pending.readableBytes > 0 ? pending.readString(length: pending.readableBytes) : nil
            }
            do {
                if var chunk = try await iterator.next() {
                    pending.writeBuffer(&chunk)
                    continue
                }
            } catch NIOSSLError.uncleanShutdown {}
            finished = true
        }
    }
}
