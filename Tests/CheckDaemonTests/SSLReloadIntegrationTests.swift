import Foundation
import KeepaliveTestSupport
import Testing

/// The top-level `SSL` block on reload: SSL_GET checkers present the new client certificate at
/// once and keep their verdicts; an unchanged block leaves them alone.
@Suite(.enabled(if: getuid() == 0, "needs root: runs checkd as root"))
struct SSLReloadIntegrationTests {
    static let virtualServer = "[192.0.2.10]:443"

    /// One real server with an SSL_GET (alpha: only a pass brings it up) that runs once unless
    /// restarted, and `client`'s certificate in the SSL block.
    func config(_ certificates: ClientCertificates, client: String, port: Int, extra: String = "") -> String {
        """
        SSL {
            ca \(certificates.ca)
            certificate \(certificates.certificate(client))
            key \(certificates.key(client))
        }
        virtual_server 192.0.2.10 443 {
            delay_loop 300
            protocol TCP
            real_server 127.0.0.1 \(port) {
                SSL_GET {
                    url {
                        path /index.html
                        status_code 200
                    }
                    connect_timeout 5
                    retry 0
                    alpha
                    warmup 0
                }
            }
        \(extra)
        }
        """
    }

    func reload(_ checkd: CheckdProcess, _ config: String) throws {
        try config.write(toFile: checkd.configPath, atomically: true, encoding: .utf8)
        checkd.process.signal(SIGHUP)
    }

    @Test func aChangedSSLBlockPresentsTheNewCertificateAndKeepsTheVerdict() async throws {
        try await TestFiles.with { files in
            let certificates = try await ClientCertificates.make(
                in: files.directory, trusted: ["client-a", "client-a2"], untrusted: ["client-b"])
            let server = try await ClientCertificateServer(certificates)
            defer { Task { await server.stop() } }
            let realServer = "[127.0.0.1]:\(server.port)"
            try await withPrivateBus { bus in
                let first = config(certificates, client: "client-a", port: server.port)
                try await CheckdProcess.with(config: first, in: files.directory, bus: bus) { checkd in
                    let vs = Self.virtualServer
                    try await checkd.waitFor("b true", "Healthy with client-a") {
                        try await checkd.serverProperty(vs, realServer, "Healthy")
                    }
                    #expect(server.sawClient("client-a"))

                    // Another trusted certificate: the check runs again with it, and the server
                    // stays up throughout.
                    try reload(checkd, config(certificates, client: "client-a2", port: server.port))
                    try await checkd.waitFor("true", "client-a2 served") {
                        "\(server.sawClient("client-a2") && server.served == 2)"
                    }
                    try await checkd.waitForLog("SSL block changed")
                    #expect(try await checkd.serverProperty(vs, realServer, "Healthy") == "b true")
                    #expect(!checkd.log.contains("Removing service"))

                    // An untrusted certificate: the server refuses it and the checker goes down.
                    try reload(checkd, config(certificates, client: "client-b", port: server.port))
                    try await checkd.waitFor("b false", "Healthy with client-b") {
                        try await checkd.serverProperty(vs, realServer, "Healthy")
                    }
                    #expect(server.sawClient("client-b"))
                    #expect(server.served == 2)

                    // And back: the trusted certificate brings it up again.
                    try reload(checkd, first)
                    try await checkd.waitFor("b true", "Healthy with client-a again") {
                        try await checkd.serverProperty(vs, realServer, "Healthy")
                    }
                    #expect(server.served == 3)
                }
            }
        }
    }

    @Test func anUnchangedSSLBlockKeepsTheSSLGetProbe() async throws {
        try await TestFiles.with { files in
            let certificates = try await ClientCertificates.make(
                in: files.directory, trusted: ["client-a"], untrusted: [])
            let server = try await ClientCertificateServer(certificates)
            defer { Task { await server.stop() } }
            let vs = Self.virtualServer
            let realServer = "[127.0.0.1]:\(server.port)"
            try await withPrivateBus { bus in
                let first = config(certificates, client: "client-a", port: server.port)
                try await CheckdProcess.with(config: first, in: files.directory, bus: bus) { checkd in
                    try await checkd.waitFor("b true", "Healthy") {
                        try await checkd.serverProperty(vs, realServer, "Healthy")
                    }
                    #expect(server.served == 1)

                    // Same SSL block, and a new real server whose SSL_GET (to the same TLS server)
                    // runs right after the reload; a restarted probe of the first would run with it.
                    let added = """
                            real_server 127.0.0.2 443 {
                                SSL_GET {
                                    url {
                                        path /index.html
                                        status_code 200
                                    }
                                    connect_ip 127.0.0.1
                                    connect_port \(server.port)
                                    retry 0
                                    alpha
                                    warmup 0
                                }
                            }
                        """
                    try reload(checkd, config(certificates, client: "client-a", port: server.port, extra: added))
                    try await checkd.waitFor("b true", "the new server Healthy") {
                        try await checkd.serverProperty(vs, "[127.0.0.2]:443", "Healthy")
                    }
                    #expect(server.served == 2)
                    #expect(try await checkd.serverProperty(vs, realServer, "Healthy") == "b true")
                    #expect(!checkd.log.contains("SSL block changed"))
                }
            }
        }
    }
}
