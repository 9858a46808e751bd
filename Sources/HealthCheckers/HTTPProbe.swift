import KeepalivedConfig
import NIOCore

/// `HTTP_GET` and `SSL_GET`: every `url` is fetched in order and must pass; the first that
/// fails fails the attempt. A url passes when its status code is accepted (200-299 unless
/// `status_code` says otherwise) and, with `digest`, the body's MD5 matches.
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
            gets.append((HTTPGet(target: target, path: url.path, virtualhost: host, version: version, tls: tls), url))
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
        return nil
    }
}
