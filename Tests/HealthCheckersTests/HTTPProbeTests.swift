import Foundation
import HealthCheckers
import KeepaliveTestSupport
import KeepalivedConfig
import Testing

/// MD5 of `text` from coreutils' md5sum, so the probe's hashing is checked against another tool.
func md5sum(_ text: String) async throws -> String {
    let directory = try Repository.temporaryDirectory("checkers-md5")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/body"))
    return String(try await command("/usr/bin/md5sum", [directory + "/body"]).prefix(32))
}

func httpCheck(_ urls: [URLCheck], timeout: Double? = nil) -> HTTPCheck {
    var check = HTTPCheck()
    check.urls = urls
    check.options.connectTimeout = timeout
    return check
}

func url(_ path: String, digest: String? = nil, status: [HTTPStatusRange] = []) -> URLCheck {
    var url = URLCheck(path: path)
    url.digest = digest
    url.statusCodes = status
    return url
}

@Suite struct HTTPProbeTests {
    let page = "<html><body>keepalive test page</body></html>\n"

    @Test func a200Passes() async throws {
        let server = try await LocalServer.start(.httpReply(httpReply(body: page)))
        defer { Task { await server.stop() } }
        let probe = try Fixture.probe(.httpGet(httpCheck([url("/")])), port: server.port)
        #expect(probe.keyword == "HTTP_GET")
        #expect(await probe.attempt() == .success(weight: nil))
        #expect(
            server.requests()
                == ["GET / HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: 127.0.0.1:\(server.port)\r\n\r\n"])
    }

    @Test func aMatchingDigestPasses() async throws {
        let server = try await LocalServer.start(.httpReply(httpReply(body: page)))
        defer { Task { await server.stop() } }
        let digest = try await md5sum(page)
        let probe = try Fixture.probe(.httpGet(httpCheck([url("/", digest: digest)])), port: server.port)
        #expect(await probe.attempt() == .success(weight: nil))
    }

    @Test func aWrongDigestFails() async throws {
        let server = try await LocalServer.start(.httpReply(httpReply(body: page)))
        defer { Task { await server.stop() } }
        let wrong = String(repeating: "0", count: 32)
        let probe = try Fixture.probe(.httpGet(httpCheck([url("/index.html", digest: wrong)])), port: server.port)
        let received = try await md5sum(page)
        let result = await probe.attempt()
        #expect(result == .failure(.onURL(path: "/index.html", .digestMismatch(expected: wrong, received: received))))
        if case .failure(let failure) = result {
            #expect(
                failure.logLine(keyword: "HTTP_GET", target: "[127.0.0.1]:80")
                    == "MD5 digest error to [127.0.0.1]:80 url[/index.html], MD5SUM [\(received)] (expected \(wrong)).")
        }
    }

    @Test func aServerErrorFailsByDefault() async throws {
        let server = try await LocalServer.start(.httpReply(httpReply(status: 500, reason: "Oops", body: page)))
        defer { Task { await server.stop() } }
        let probe = try Fixture.probe(.httpGet(httpCheck([url("/")])), port: server.port)
        let result = await probe.attempt()
        #expect(result == .failure(.onURL(path: "/", .httpStatus(500))))
        if case .failure(let failure) = result {
            #expect(
                failure.logLine(keyword: "HTTP_GET", target: "[10.0.0.2]:80")
                    == "HTTP status code error to [10.0.0.2]:80 url(/), status_code [500].")
        }
    }

    @Test func statusCodeRangesDecide() async throws {
        let server = try await LocalServer.start(.httpReply(httpReply(status: 503, reason: "Busy", body: page)))
        defer { Task { await server.stop() } }
        let accepting = try Fixture.probe(
            .httpGet(httpCheck([url("/", status: [HTTPStatusRange(200), HTTPStatusRange(500, 599)])])),
            port: server.port)
        #expect(await accepting.attempt() == .success(weight: nil))
        let refusing = try Fixture.probe(
            .httpGet(httpCheck([url("/", status: [HTTPStatusRange(300, 399)])])), port: server.port)
        #expect(await refusing.attempt() == .failure(.onURL(path: "/", .httpStatus(503))))
    }

    @Test func everyURLMustPass() async throws {
        let server = try await LocalServer.start(.httpReply(httpReply(status: 404, reason: "Not Found", body: "")))
        defer { Task { await server.stop() } }
        let probe = try Fixture.probe(
            .httpGet(httpCheck([url("/a", status: [HTTPStatusRange(404)]), url("/b")])), port: server.port)
        #expect(await probe.attempt() == .failure(.onURL(path: "/b", .httpStatus(404))))
        #expect(server.requests().map { $0.prefix(7) } == ["GET /a ", "GET /b "])
    }

    @Test func virtualhostAndProtocolShapeTheRequest() async throws {
        let server = try await LocalServer.start(.httpReply(httpReply(body: page)))
        defer { Task { await server.stop() } }
        var check = httpCheck([url("/one"), url("/two")])
        check.virtualhost = "www.example.com"
        check.urls[1].virtualhost = "two.example.com"
        check.httpProtocol = .http11
        let probe = try Fixture.probe(.httpGet(check), port: server.port)
        #expect(await probe.attempt() == .success(weight: nil))
        #expect(
            server.requests() == [
                "GET /one HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: www.example.com\r\n\r\n",
                "GET /two HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: two.example.com\r\n\r\n",
            ])
    }

    @Test func theRealServersVirtualhostIsTheDefault() async throws {
        let server = try await LocalServer.start(.httpReply(httpReply(body: page)))
        defer { Task { await server.stop() } }
        var check = httpCheck([url("/")])
        check.httpProtocol = .http10Close
        var (virtual, real) = Fixture.servers(port: server.port)
        real.virtualhost = "rs.example.com"
        virtual.virtualhost = "vs.example.com"
        let probe = try ProbeFactory.make(
            .httpGet(check), realServer: real, virtualServer: virtual, eventLoopGroup: Fixture.group)
        #expect(await probe.attempt() == .success(weight: nil))
        #expect(
            server.requests()
                == [
                    "GET / HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: rs.example.com\r\n\r\n"
                ])
    }

    @Test func aRegexMustMatchTheBody() async throws {
        let server = try await LocalServer.start(.httpReply(httpReply(body: page)))
        defer { Task { await server.stop() } }
        func probe(_ pattern: String, noMatch: Bool = false, options: [String] = []) throws -> any RealServerProbe {
            var check = url("/")
            check.regex = pattern
            check.regexNoMatch = noMatch
            check.regexOptions = options
            return try Fixture.probe(.httpGet(httpCheck([check])), port: server.port)
        }
        #expect(await (try probe("test\\s+page")).attempt() == .success(weight: nil))
        #expect(await (try probe("TEST PAGE", options: ["caseless"])).attempt() == .success(weight: nil))
        #expect(
            await (try probe("missing words")).attempt()
                == .failure(.onURL(path: "/", .regexMatch(pattern: "missing words"))))
        #expect(
            await (try probe("test page", noMatch: true)).attempt()
                == .failure(.onURL(path: "/", .regexMatch(pattern: "test page"))))
        #expect(await (try probe("error", noMatch: true)).attempt() == .success(weight: nil))
        #expect(throws: ProbeConfigurationError.self) { try probe("([unclosed") }
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        let server = try await LocalServer.start(.silent)
        defer { Task { await server.stop() } }
        let probe = try Fixture.probe(.httpGet(httpCheck([url("/")], timeout: 0.3)), port: server.port)
        let result = await probe.attempt()
        #expect(result == .failure(.onURL(path: "/", .timeout)))
        if case .failure(let failure) = result {
            #expect(
                failure.logLine(keyword: "HTTP_GET", target: "[127.0.0.1]:80")
                    == "Timeout HTTP read to server [127.0.0.1]:80 url(/).")
        }
    }

    @Test func aClosedPortIsRefused() async throws {
        let port = try await LocalServer.closedPort()
        let probe = try Fixture.probe(.httpGet(httpCheck([url("/")])), port: port)
        #expect(await probe.attempt() == .failure(.onURL(path: "/", .connectionRefused)))
    }

    @Test func aServerThatClosesWithoutAnsweringFails() async throws {
        let server = try await LocalServer.start(.httpReply(""))
        defer { Task { await server.stop() } }
        let probe = try Fixture.probe(.httpGet(httpCheck([url("/")])), port: server.port)
        #expect(await probe.attempt() == .failure(.onURL(path: "/", .httpNoData)))
    }

    @Test(.enabled(if: getuid() == 0, "needs root: creates a network namespace"))
    func aBlackholedServerTimesOutConnecting() async throws {
        try await withRoutedNamespace { net in
            let probe = try Fixture.probe(
                .httpGet(httpCheck([url("/")], timeout: 0.5)), address: net.blackhole, port: 80)
            let result = await probe.attempt()
            #expect(result == .failure(.onURL(path: "/", .timeout)))
        }
    }
}

@Suite struct SSLProbeTests {
    let page = "<html>secure keepalive page</html>\n"

    @Test func aTLSServerPasses() async throws {
        let certificate = try await TestCertificate.make()
        defer { certificate.remove() }
        let server = try await LocalServer.start(
            .httpReply(httpReply(body: page)), tls: try certificate.serverContext())
        defer { Task { await server.stop() } }
        let digest = try await md5sum(page)
        let probe = try Fixture.probe(.sslGet(httpCheck([url("/", digest: digest)])), port: server.port)
        #expect(probe.keyword == "SSL_GET")
        #expect(await probe.attempt() == .success(weight: nil))
    }

    @Test func aTLSServerWithAWrongStatusFails() async throws {
        let certificate = try await TestCertificate.make()
        defer { certificate.remove() }
        let server = try await LocalServer.start(
            .httpReply(httpReply(status: 502, reason: "Bad Gateway", body: page)), tls: try certificate.serverContext())
        defer { Task { await server.stop() } }
        let probe = try Fixture.probe(.sslGet(httpCheck([url("/")])), port: server.port)
        #expect(await probe.attempt() == .failure(.onURL(path: "/", .httpStatus(502))))
    }

    @Test func aPlainServerFailsTheHandshake() async throws {
        let server = try await LocalServer.start(
            .replyToAnything(httpReply(status: 400, reason: "Bad Request", body: "not TLS")))
        defer { Task { await server.stop() } }
        let probe = try Fixture.probe(.sslGet(httpCheck([url("/")])), port: server.port)
        let result = await probe.attempt()
        guard case .failure(.onURL("/", .tlsHandshake)) = result else {
            Issue.record("expected a TLS handshake failure, got \(result)")
            return
        }
    }

    /// openssl s_server aborts any handshake whose SNI is not `good.example`.
    @Test func sniCarriesTheVirtualhost() async throws {
        let certificate = try await TestCertificate.make()
        defer { certificate.remove() }
        try Data(page.utf8).write(to: URL(fileURLWithPath: certificate.directory + "/index.html"))
        let port = try await LocalServer.freePort()
        let server = try OpenSSLServer(certificate: certificate, port: port, serverName: "good.example")
        defer { server.stop() }
        try await server.waitUntilListening()
        var check = httpCheck([url("/index.html", digest: try await md5sum(page))])
        check.enableSNI = true
        check.virtualhost = "good.example"
        #expect(try await Fixture.probe(.sslGet(check), port: port).attempt() == .success(weight: nil))
        check.virtualhost = "bad.example"
        let refused = await (try Fixture.probe(.sslGet(check), port: port)).attempt()
        guard case .failure(.onURL("/index.html", .tlsHandshake)) = refused else {
            Issue.record("expected the wrong SNI to fail the handshake, got \(refused)")
            return
        }
    }
}
