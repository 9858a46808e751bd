import KeepalivedConfig
import NIOCore

/// `HTTP_GET` and `SSL_GET`: every `url` is fetched in order and must pass; the first that
/// fails fails the attempt. A url passes when its status code is accepted (200-299 unless
/// `status_code` says otherwise), with `digest` when the body's MD5 matches, and with `regex`
/// when the body matches it (does not, with `regex_no_match`) as `URLRegex` decides, between
/// regex_min_offset and regex_max_offset. regex_stack sizes PCRE2's JIT stack and means nothing
/// to Swift's engine. SSL_GET closes without close_notify unless `tls_compliant` (see
/// `QuietShutdown`).
public struct HTTPProbe: RealServerProbe {
    public let keyword: String
    let gets: [(get: HTTPGet, url: URLCheck)]
    let group: any EventLoopGroup

    /// `virtualhost` is the checker's (or the real or virtual server's) Host; a url's own wins.
    /// `sslClient` is the config's `SSL` block, the certificate SSL_GET presents.
    public init(
        check: HTTPCheck, ssl: Bool, target: ProbeTarget, virtualhost: String?, sslClient: SSLClient? = nil,
        eventLoopGroup: any EventLoopGroup
    ) throws(ProbeConfigurationError) {
        keyword = ssl ? "SSL_GET" : "HTTP_GET"
        group = eventLoopGroup
        let version = check.httpProtocol ?? .http10
        var gets: [(HTTPGet, URLCheck)] = []
        var tlsByName: [String?: TLSSetup] = [:]
        for url in check.urls {
            let host = url.virtualhost ?? virtualhost
            var tls: TLSSetup?
            if ssl {
                let name = check.enableSNI ? host : nil
                if let known = tlsByName[name] {
                    tls = known
                } else {
                    do {
                        tls = try TLSSetup.keepalivedDefault(serverName: name, client: sslClient)
                    } catch {
                        throw .tls("\(error)")
                    }
                    tlsByName[name] = tls
                }
                tls?.compliantShutdown = check.tlsCompliant || url.tlsCompliant
            }
            var get = HTTPGet(target: target, path: url.path, virtualhost: host, version: version, tls: tls)
            if let pattern = url.regex {
                // The config reader refuses these too; a model built in code meets them here.
                for word in url.regexOptions {
                    if let reason = RegexOption(rawValue: word)?.unsupportedReason {
                        throw .badRegex("\(word): \(reason)")
                    }
                }
                do {
                    _ = try URLRegex.compile(pattern, options: url.regexOptions)
                } catch {
                    throw .badRegex("\(pattern): \(error)")
                }
                // A match may start at regex_max_offset and run on past it.
                get.keepLimit =
                    url.regexMaxOffset.map { min($0 + Self.regexMatchSpan, Self.regexBodyLimit) }
                    ?? Self.regexBodyLimit
            }
            gets.append((get, url))
        }
        self.gets = gets
    }

    public func attempt() async -> ProbeResult {
        for (get, url) in gets {
            switch await get.fetch(on: group) {
            case .failure(let failure):
                return .failure(.onURL(path: url.path, failure))
            case .success(let reply):
                if let failure = Self.judge(reply, against: url) {
                    return .failure(.onURL(path: url.path, failure))
                }
            }
        }
        return .success(weight: nil)
    }

    /// keepalived's order: the status code first, then the digest.
    static func judge(_ reply: HTTPReply, against url: URLCheck) -> ProbeFailure? {
        let accepted = url.acceptedStatusCodes
        if !accepted.isEmpty, !accepted.contains(where: { $0.contains(reply.statusCode) }) {
            return .httpStatus(reply.statusCode)
        }
        if let digest = url.digest, digest != reply.digest {
            return .digestMismatch(expected: digest, received: reply.digest)
        }
        if let pattern = url.regex, let regex = try? URLRegex.compile(pattern, options: url.regexOptions) {
            let matched = URLRegex.matches(
                regex, in: reply.bodyPrefix, minOffset: url.regexMinOffset, maxOffset: url.regexMaxOffset,
                firstLine: url.regexOptions.contains(RegexOption.firstline.rawValue))
            if matched == url.regexNoMatch { return .regexMatch(pattern: pattern) }
        }
        return nil
    }

    /// How much body a regex is matched against at most.
    static let regexBodyLimit = 1 << 20
    /// How far past regex_max_offset the body is kept, for a match that starts there.
    static let regexMatchSpan = 64 * 1024
}
