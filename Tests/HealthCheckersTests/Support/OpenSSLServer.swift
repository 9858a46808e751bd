import Foundation
import NIOPosix
import ScriptRunner

/// `openssl s_server -WWW` serving files from the certificate's directory; with `serverName`
/// it refuses handshakes carrying any other SNI (`-servername_fatal`).
final class OpenSSLServer: Sendable {
    let process: ScriptProcess
    let port: Int

    init(certificate: TestCertificate, port: Int, serverName: String? = nil) throws {
        var arguments = [
            "s_server", "-quiet", "-WWW", "-accept", "127.0.0.1:\(port)", "-cert", certificate.certificate,
            "-key", certificate.key,
        ]
        if let serverName {
            arguments += [
                "-servername", serverName, "-servername_fatal", "-cert2", certificate.certificate, "-key2",
                certificate.key,
            ]
        }
        // s_server serves paths relative to its working directory.
        let line = "cd '\(certificate.directory)' && exec /usr/bin/openssl \"$@\""
        process = try ScriptProcess.spawn(
            ScriptInvocation(
                command: ScriptCommand(program: "/bin/sh", arguments: ["-c", line, "sh"] + arguments),
                timeout: .seconds(120)))
        self.port = port
    }

    /// Polls with TCP connects until the server accepts.
    func waitUntilListening() async throws {
        for _ in 0..<200 {
            if (try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port).flatMap { $0.close() }.get()) != nil
            {
                return
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw NotListening(port: port)
    }

    func stop() {
        process.kill()
    }

    struct NotListening: Error {
        var port: Int
    }
}
