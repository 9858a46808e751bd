import KeepalivedConfig
import NIOCore

/// `HTTP_GET` and `SSL_GET`: every `url` is fetched in order and must pass; the first that
/// fails fails the attempt. A url passes when its status code is accepted (200-299 unless
/// `status_code` says otherwise), with `digest` when the body's MD5 matches, and with `regex`
/// when the body matches it (does not, with `regex_no_match`) between regex_min_offset and
/// regex_max_offset. Patterns use Swift's regex syntax (PCRE-like); the options caseless,
/// multiline, dotall and extended apply, the others and regex_stack are ignored. `tls_compliant`
/// changes nothing here: the TLS close is always clean.
public struct HTTPProbe: RealServerProbe {
    public let keyword: String
    let gets: [(get: HTTPGet, url: URLCheck)]
    let group: any EventLoopGroup

    /// `virtualhost` is the checker's (or the real or virtual server's) Host; a url's own wins.
    public init(
        check: HTTPCheck, ssl: Bool, target: ProbeTarget, virtualhost: String?, eventLoopGroup: any EventLoopGroup
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
                        tls = try TLSSetup.keepalivedDefault(serverName: name)
                    } catch {
                        throw .tls("\(error)")
                    }
                    tlsByName[name] = tls
                }
            }
            var get = HTTPGet(target: target, path: url.path, virtualhost: host, version: version, tls: tls)
            if let pattern = url.regex {
                do {
                    _ = try Self.regex(pattern, options: url.regexOptions)
                } catch {
                    throw .badRegex("\(pattern): \(error)")
                }
                get.keepLimit = url.regexMaxOffset.map { min($0 + 1, Self.regexBodyLimit) } ?? Self.regexBodyLimit
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
        if let pattern = url.regex, let regex = try? Self.regex(pattern, options: url.regexOptions) {
            let body = reply.bodyPrefix
            let start = min(url.regexMinOffset ?? 0, body.count)
            let end = min(url.regexMaxOffset.map { $0 + 1 } ?? body.count, body.count)
            let text = String(decoding: body[start..<max(start, end)], as: UTF8.self)
            if text.contains(regex) == url.regexNoMatch { return .regexMatch(pattern: pattern) }
        }
        return nil
    }

    /// How much body a regex is matched against at most.
    static let regexBodyLimit = 1 << 20

    /// Compiled per attempt: `Regex` is not Sendable, and compiling is cheap beside the fetch.
    static func regex(_ pattern: String, options: [String]) throws -> Regex<AnyRegexOutput> {
        var regex = try Regex(options.contains("extended") ? "(?x)" + pattern : pattern)
        if options.contains("caseless") { regex = regex.ignoresCase() }
        if options.contains("multiline") { regex = regex.anchorsMatchLineEndings() }
        if options.contains("dotall") { regex = regex.dotMatchesNewlines() }
        return regex
    }
}
