import HealthCheckers
import KeepalivedConfig
import NIOSSL
import Testing

/// The `SSL` block: SSL_GET presents its certificate to a server that demands one.
@Suite struct SSLClientTests {
    let page = "<html>client certificate page</html>\n"

    /// A server context that refuses clients without a certificate signed by (here: equal to) `client`.
    func demandingContext(server: TestCertificate, client: TestCertificate) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(server.certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: server.key, format: .pem)))
        configuration.certificateVerification = .noHostnameVerification
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(client.certificate))
        return try NIOSSLContext(configuration: configuration)
    }

    func probe(port: Int, ssl: SSLClient?) throws -> any RealServerProbe {
        let (virtual, real) = Fixture.servers(port: port)
        return try ProbeFactory.make(
            .sslGet(httpCheck([url("/")])), realServer: real, virtualServer: virtual, sslClient: ssl,
            eventLoopGroup: Fixture.group)
    }

    @Test func theSSLBlocksCertificateIsPresented() async throws {
        let serverCertificate = try await TestCertificate.make()
        defer { serverCertificate.remove() }
        let client = try await TestCertificate.make()
        defer { client.remove() }
        // The client's key encrypted with the password the SSL block gives.
        let encryptedKey = client.directory + "/key-encrypted.pem"
        _ = try await command(
            "/usr/bin/openssl",
            ["pkey", "-in", client.key, "-aes256", "-passout", "pass:s3cret", "-out", encryptedKey])
        let server = try await LocalServer.start(
            .httpReply(httpReply(body: page)), tls: try demandingContext(server: serverCertificate, client: client))
        defer { Task { await server.stop() } }

        let refused = await (try probe(port: server.port, ssl: nil)).attempt()
        guard case .failure(.onURL("/", _)) = refused else {
            Issue.record("expected a server demanding a certificate to refuse a client without one, got \(refused)")
            return
        }
        var ssl = SSLClient()
        ssl.certificateFile = client.certificate
        ssl.keyFile = encryptedKey
        ssl.password = "s3cret"
        ssl.caFile = serverCertificate.certificate
        #expect(await (try probe(port: server.port, ssl: ssl)).attempt() == .success(weight: nil))
    }

    @Test func aWrongKeyPasswordIsAConfigurationError() async throws {
        let client = try await TestCertificate.make()
        defer { client.remove() }
        let encryptedKey = client.directory + "/key-encrypted.pem"
        _ = try await command(
            "/usr/bin/openssl",
            ["pkey", "-in", client.key, "-aes256", "-passout", "pass:s3cret", "-out", encryptedKey])
        var ssl = SSLClient()
        ssl.certificateFile = client.certificate
        ssl.keyFile = encryptedKey
        ssl.password = "wrong"
        #expect(throws: ProbeConfigurationError.self) { try probe(port: 443, ssl: ssl) }
    }
}
