import ArgumentParser
import Foundation
import HealthCheckers
import KeepalivedConfig

/// `kactl genhash`: keepalived's genhash, the MD5 of a page's body to paste into a `digest`
/// line, fetched exactly as HTTP_GET and SSL_GET fetch it (same request, same hashing code).
struct GenhashCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "genhash",
        abstract: "Print the MD5 digest of a web page as HTTP_GET/SSL_GET compute it (keepalived's genhash).",
        discussion: """
            Takes genhash's options and prints what it prints: the digest in hex on one line, and with -v \
            the reply header and body as hex dumps first. Exit status: 0 the digest was printed, \
            1 the page could not be fetched (genhash itself exits 0 then), 2 bad usage.
            """
    )

    @Flag(name: [.customShort("S"), .customLong("use-ssl")], help: "Use SSL (TLS) to connect.")
    var ssl = false

    @Flag(name: [.customShort("I"), .customLong("use-sni")], help: "Send the virtualhost as SNI (with -S).")
    var sni = false

    @Option(name: [.customShort("s"), .customLong("server")], help: "The server's IPv4 or IPv6 address.")
    var server: String

    @Option(name: [.customShort("p"), .customLong("port")], help: "The server's port (80, or 443 with -S).")
    var port: Int?

    @Option(name: [.customShort("u"), .customLong("url")], help: "The path to fetch.")
    var url: String

    @Option(name: [.customShort("V"), .customLong("use-virtualhost")], help: "The Host header to send.")
    var virtualhost: String?

    @Option(
        name: [.customShort("P"), .customLong("protocol")],
        help: "HTTP protocol: 1.0, 1.0c (1.0 with Connection: close) or 1.1.")
    var httpProtocol: String = "1.0"

    @Option(name: [.customShort("t"), .customLong("timeout")], help: "Connect and read timeout in seconds.")
    var timeout: Double = 5

    @Flag(name: [.customShort("v"), .customLong("verbose")], help: "Dump the reply header and body.")
    var verbose = false

    func validate() throws {
        guard IPAddress(server) != nil else {
            throw ValidationError("-s needs an IPv4 or IPv6 address, not '\(server)'")
        }
        if let port, !(1...65535).contains(port) { throw ValidationError("-p needs a port 1-65535, not \(port)") }
        guard version != nil else { throw ValidationError("-P takes 1.0, 1.0c or 1.1, not '\(httpProtocol)'") }
        guard timeout.isFinite, timeout > 0, timeout <= 3600 else {
            throw ValidationError("-t needs a number of seconds above 0 (at most 3600), not \(timeout)")
        }
        guard url.hasPrefix("/") else { throw ValidationError("-u needs a path starting with /, not '\(url)'") }
    }

    private var version: HTTPCheck.ProtocolVersion? {
        HTTPCheck.ProtocolVersion(rawValue: httpProtocol == "1.0c" ? "1.0C" : httpProtocol)
    }

    func run() async throws {
        let target = ProbeTarget(
            address: IPAddress(server)!, port: port ?? (ssl ? 443 : 80),
            connectTimeout: .nanoseconds(Int64((timeout * 1e9).rounded())))
        let get: HTTPGet
        do {
            get = try HTTPGet(
                target: target, path: url, virtualhost: virtualhost, version: version ?? .http10, ssl: ssl, sni: sni)
        } catch {
            printError("kactl genhash: \(error)")
            throw ExitCode.failure
        }
        let started = ContinuousClock.now
        switch await get.fetch() {
        case .failure(let failure):
            printError(Self.message(for: failure))
            throw ExitCode.failure
        case .success(let reply):
            if verbose {
                print(GenhashDump.verbose(reply, url: url, elapsed: ContinuousClock.now - started), terminator: "")
            } else {
                print(reply.digest)
            }
        }
    }

    /// genhash's words for what went wrong.
    static func message(for failure: ProbeFailure) -> String {
        switch failure {
        case .timeout: "Connection timed out"
        case .httpNoData: "no data received from remote webserver"
        case .connectionRefused: "Connection failed"
        case .tlsHandshake(let reason): "SSL handshake failed: \(reason)"
        default: "Connection failed: \(failure.logLine(keyword: "HTTP_GET", target: ""))"
        }
    }
}

/// genhash's verbose layout: hex dumps of 16 bytes a line with the offset in decimal.
enum GenhashDump {
    static func verbose(_ reply: HTTPReply, url: String, elapsed: Duration) -> String {
        var out = banner("    HTTP Header Buffer    ")
        let header = Array((reply.header + "\r\n\r\n").utf8)
        out += hexDump(header)
        out += banner(" HTTP Header Ascii Buffer ")
        out += reply.header.replacingOccurrences(of: "\r\n", with: "\n") + "\n\n\n"
        out += banner("        HTML Buffer        ")
        out += hexDump(reply.bodyPrefix)
        if reply.bodyLength > reply.bodyPrefix.count {
            out += "(\(reply.bodyLength - reply.bodyPrefix.count) more bytes not shown)\n"
        }
        out += "\n" + banner("    HTML hash resulting    ")
        out += hexDump(hexBytes(reply.digest))
        out += banner(" HTML hash final resulting ")
        out += reply.digest + "\n\n"
        let (seconds, attoseconds) = elapsed.components
        out += "Global response time for [\(url)] = \(seconds * 1_000_000 + attoseconds / 1_000_000_000_000) usecs\n"
        return out
    }

    static func banner(_ title: String) -> String {
        "-----------------------[\(title)]-----------------------\n"
    }

    static func hexDump(_ bytes: [UInt8]) -> String {
        var out = ""
        for start in stride(from: 0, to: bytes.count, by: 16) {
            let line = bytes[start..<min(start + 16, bytes.count)]
            var hex = ""
            for column in 0..<16 {
                if column == 8 { hex += "- " }
                hex += column < line.count ? String(format: "%02x ", line[start + column]) : "   "
            }
            let ascii = line.map { (32...126).contains($0) ? String(UnicodeScalar($0)) : "." }.joined()
            out +=
                String(format: "%04d  ", start) + hex + "  " + ascii.padding(toLength: 16, withPad: " ", startingAt: 0)
                + "\n"
        }
        return out
    }

    private static func hexBytes(_ hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }
}
