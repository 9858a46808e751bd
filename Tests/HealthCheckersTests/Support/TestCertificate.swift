import Foundation
import KeepaliveTestSupport
import NIOSSL

/// A throwaway self-signed certificate made with openssl for the TLS servers of the tests.
struct TestCertificate: Sendable {
    let directory: String
    var certificate: String { directory + "/cert.pem" }
    var key: String { directory + "/key.pem" }

    static func make() async throws -> TestCertificate {
        let directory = try Repository.temporaryDirectory("checkers-tls")
        _ = try await command(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", directory + "/key.pem", "-out", directory + "/cert.pem", "-days", "1",
                "-subj", "/CN=localhost",
            ])
        return TestCertificate(directory: directory)
    }

    func serverContext() throws -> NIOSSLContext {
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        return try NIOSSLContext(configuration: configuration)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
