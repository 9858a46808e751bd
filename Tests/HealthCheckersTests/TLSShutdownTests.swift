import HealthCheckers
import KeepalivedConfig
import Testing

/// SSL_GET's close: keepalived's default closes the socket without close_notify (a quiet
/// shutdown); `tls_compliant`, on the checker or on a url, sends it.
@Suite struct TLSShutdownTests {
    let page = "<html>close notify page</html>\n"

    func run(compliant checker: Bool, url urlCompliant: Bool) async throws -> [TLSCloseRecorder.Ending] {
        let certificate = try await TestCertificate.make()
        defer { certificate.remove() }
        let server = try await TLSCloseRecorder.start(
            reply: httpReply(body: page), tls: try certificate.serverContext())
        defer { Task { await server.stop() } }
        var page = url("/")
        page.tlsCompliant = urlCompliant
        var check = httpCheck([page])
        check.tlsCompliant = checker
        let probe = try Fixture.probe(.sslGet(check), port: server.port)
        #expect(await probe.attempt() == .success(weight: nil))
        return try await server.endings(count: 1)
    }

    @Test func byDefaultTheConnectionEndsWithoutCloseNotify() async throws {
        #expect(try await run(compliant: false, url: false) == [.abrupt])
    }

    @Test func tlsCompliantSendsCloseNotify() async throws {
        #expect(try await run(compliant: true, url: false) == [.closeNotify])
    }

    @Test func aURLsTLSCompliantSendsCloseNotify() async throws {
        #expect(try await run(compliant: false, url: true) == [.closeNotify])
    }
}
