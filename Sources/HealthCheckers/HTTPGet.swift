import Crypto
import KeepalivedConfig
import NIOCore
import NIOPosix

/// One GET the way keepalived's HTTP_GET, SSL_GET and genhash send it, and what came back.
/// Shared by `HTTPProbe` and `kactl genhash`, so both hash exactly the same bytes.
public struct HTTPGet: Sendable {
    public var target: ProbeTarget
    public var path: String
    /// The Host header (and the SNI name with `enable_sni`); the server's address when nil.
    public var virtualhost: String?
    public var version: HTTPCheck.ProtocolVersion
    /// Body bytes kept in `HTTPReply.bodyPrefix` (a `regex` needs more than the 4 KiB default).
    var keepLimit = HTTPReplyParser.prefixLimit
    let tls: TLSSetup?

    /// - Parameter sni: send the virtualhost as TLS server name (SSL only).
    public init(
        target: ProbeTarget, path: String, virtualhost: String?, version: HTTPCheck.ProtocolVersion = .http10,
        ssl: Bool, sni: Bool = false
    ) throws(ProbeConfigurationError) {
        self.target = target
        self.path = path
        self.virtualhost = virtualhost
        self.version = version
        if ssl {
            do {
                tls = try TLSSetup.keepalivedDefault(serverName: sni ? virtualhost : nil)
            } catch {
                throw .tls("\(error)")
            }
        } else {
            tls = nil
        }
    }

    init(target: ProbeTarget, path: String, virtualhost: String?, version: HTTPCheck.ProtocolVersion, tls: TLSSetup?) {
        self.target = target
        self.path = path
        self.virtualhost = virtualhost
        self.version = version
        self.tls = tls
    }

    /// keepalived's request: its User-Agent, `Connection: close` for 1.0C and 1.1, and a Host
    /// header with the port unless it is the scheme's default.
    public var request: String {
        let minor = version == .http11 ? 1 : 0
        let host: String
        if let virtualhost {
            host = virtualhost
        } else {
            let address = target.address.family == .inet6 ? "[\(target.address)]" : "\(target.address)"
            let defaultPort = tls == nil ? 80 : 443
            host = target.port == defaultPort ? address : "\(address):\(target.port)"
        }
        let close = version == .http10 ? "" : "Connection: close\r\n"
        return "GET \(path) HTTP/1.\(minor)\r\nUser-Agent: KeepAliveClient\r\n\(close)Host: \(host)\r\n\r\n"
    }

    /// Sends the request and reads the reply to its end (or its Content-Length).
    public func fetch(on group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async -> Result<
        HTTPReply, ProbeFailure
    > {
        let request = self.request
        let keepLimit = self.keepLimit
        let outcome = await StreamExchange.run(to: target, tls: tls, on: group) { reader, writer in
            await writer.send(request)
            var parser = HTTPReplyParser(keepLimit: keepLimit)
            while let chunk = try await reader.next() {
                if parser.consume(chunk) { break }
            }
            return parser.finish()
        }
        switch outcome {
        case .success(let reply?): return .success(reply)
        case .success(nil): return .failure(.httpNoData)
        case .failure(let failure): return .failure(failure)
        }
    }
}

/// What a GET returned: enough to judge a `url` block and to print genhash's output.
public struct HTTPReply: Sendable, Hashable {
    /// The status code of the status line; 0 when the line is not HTTP.
    public var statusCode: Int
    /// The header block as received, without the blank line.
    public var header: String
    /// MD5 of the body as lower-case hex: what `digest` and genhash compare.
    public var digest: String
    /// Body bytes hashed.
    public var bodyLength: Int
    /// The first bytes of the body: 4 KiB for `kactl genhash -v`, up to 1 MiB for a `regex`.
    public var bodyPrefix: [UInt8]
}

/// Splits the header from the body and hashes the body as it streams in, stopping at the
/// Content-Length when there is one (keepalived hashes no more than that either).
struct HTTPReplyParser {
    static let headerLimit = 64 * 1024
    static let prefixLimit = 4096
    /// How much of the body `bodyPrefix` keeps.
    let keepLimit: Int

    private var headerBytes: [UInt8] = []
    private var header: String?
    private var statusCode = 0
    private var contentLength: Int?
    private var hash = Insecure.MD5()
    private var bodyLength = 0
    private var bodyPrefix: [UInt8] = []
    private var receivedAnything = false

    init(keepLimit: Int = Self.prefixLimit) {
        self.keepLimit = keepLimit
    }

    /// Feeds a chunk; true once the body is complete by Content-Length.
    mutating func consume(_ buffer: ByteBuffer) -> Bool {
        let bytes = buffer.readableBytesView
        guard !bytes.isEmpty else { return false }
        receivedAnything = true
        if header == nil {
            headerBytes.append(contentsOf: bytes)
            guard let end = Self.headerEnd(headerBytes) else {
                if headerBytes.count > Self.headerLimit {
                    // No header end in sight: treat it all as header, keepalived gives up too.
                    parseHeader(headerBytes[...])
                    headerBytes = []
                }
                return false
            }
            parseHeader(headerBytes[..<end.headerEnd])
            let body = headerBytes[end.bodyStart...]
            headerBytes = []
            return addBody(body)
        }
        return addBody(bytes[...])
    }

    private mutating func addBody<Bytes: Collection>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        var slice = Array(bytes)
        if let contentLength {
            slice = Array(slice.prefix(max(0, contentLength - bodyLength)))
        }
        hash.update(data: slice)
        if bodyPrefix.count < keepLimit { bodyPrefix += slice.prefix(keepLimit - bodyPrefix.count) }
        bodyLength += slice.count
        if let contentLength { return bodyLength >= contentLength }
        return false
    }

    private mutating func parseHeader(_ bytes: ArraySlice<UInt8>) {
        let text = String(decoding: bytes, as: UTF8.self)
        header = text
        let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
        let status = lines.first?.split(separator: " ", maxSplits: 2) ?? []
        if status.count >= 2, status[0].hasPrefix("HTTP/"), let code = Int(status[1]) { statusCode = code }
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            if line[..<colon].lowercased() == "content-length" {
                contentLength = Int(line[line.index(after: colon)...].trimmingWhitespace)
            }
        }
    }

    private static func headerEnd(_ bytes: [UInt8]) -> (headerEnd: Int, bodyStart: Int)? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return (index, index + 4)
        }
        return nil
    }

    /// The reply, or nil when nothing at all arrived.
    mutating func finish() -> HTTPReply? {
        guard receivedAnything else { return nil }
        if header == nil { parseHeader(headerBytes[...]) }
        let digest = hash.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
        return HTTPReply(
            statusCode: statusCode, header: header ?? "", digest: digest, bodyLength: bodyLength, bodyPrefix: bodyPrefix
        )
    }
}

extension Substring {
    var trimmingWhitespace: Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map(index(after:)) ?? start
        return start < end ? self[start..<end] : ""
    }
}
