import Foundation
import KeepaliveTestSupport

/// Client certificates made with openssl for one test: `trusted` ones signed by a CA the test
/// creates, `untrusted` ones self-signed.
struct ClientCertificates {
    let directory: String
    var ca: String { directory + "/ca.pem" }
    func certificate(_ name: String) -> String { directory + "/\(name).pem" }
    func key(_ name: String) -> String { directory + "/\(name).key" }

    static func make(in directory: String, trusted: [String], untrusted: [String]) async throws -> ClientCertificates {
        let certificates = ClientCertificates(directory: directory)
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try await openssl(
            ["req", "-x509"] + curve + ["-keyout", directory + "/ca.key", "-out", certificates.ca, "-days", "1"]
                + ["-subj", "/CN=keepalive test CA"])
        for name in ["server"] + untrusted {
            try await openssl(
                ["req", "-x509"] + curve
                    + ["-keyout", certificates.key(name), "-out", certificates.certificate(name), "-days", "1"]
                    + ["-subj", "/CN=\(name)"])
        }
        for name in trusted {
            let request = directory + "/\(name).csr"
            try await openssl(
                ["req"] + curve + ["-keyout", certificates.key(name), "-out", request, "-subj", "/CN=\(name)"])
            try await openssl([
                "x509", "-req", "-in", request, "-CA", certificates.ca, "-CAkey", directory + "/ca.key",
                "-CAcreateserial", "-out", certificates.certificate(name), "-days", "1",
            ])
        }
        return certificates
    }

    private static func openssl(_ arguments: [String]) async throws {
        let result = try await run("/usr/bin/openssl", arguments)
        guard result.status == 0 else {
            throw TestFailure("openssl \(arguments.joined(separator: " ")): \(result.stderr)")
        }
    }
}

/// `openssl s_server -WWW` on 127.0.0.1 that requires a client certificate signed by the test's
/// CA and serves `index.html`. Its log tells who connected: a `CN = name` line for each client
/// certificate it saw, a `FILE:index.html` line for each request it served.
final class ClientCertificateServer: Sendable {
    let process: ChildProcess
    let port: Int

    init(_ certificates: ClientCertificates) async throws {
        try "ok\n".write(toFile: certificates.directory + "/index.html", atomically: true, encoding: .utf8)
        let arguments = [
            "s_server", "-WWW", "-accept", "127.0.0.1:0", "-cert", certificates.certificate("server"),
            "-key", certificates.key("server"), "-Verify", "1", "-verify_return_error", "-CAfile", certificates.ca,
        ]
        // s_server serves paths relative to its working directory; exec keeps the pid ours to kill.
        process = try ChildProcess(
            "/bin/sh", ["-c", "cd '\(certificates.directory)' && exec /usr/bin/openssl \"$@\"", "sh"] + arguments)
        // Port 0: the kernel picks a free one and s_server says which ("ACCEPT 127.0.0.1:40321").
        guard await process.waitForOutput(containing: "ACCEPT 127.0.0.1:"),
            let line = process.stdout.split(separator: "\n").first(where: { $0.hasPrefix("ACCEPT 127.0.0.1:") }),
            let port = Int(line.dropFirst("ACCEPT 127.0.0.1:".count))
        else {
            await process.terminate()
            throw TestFailure("s_server did not start: \(process.stdout) \(process.stderr)")
        }
        self.port = port
    }

    /// Requests served so far.
    var served: Int { process.stderr.components(separatedBy: "FILE:index.html").count - 1 }

    /// Whether a client presented the certificate named `name`.
    func sawClient(_ name: String) -> Bool { process.stderr.contains("CN = \(name)\n") }

    func stop() async { await process.terminate() }
}
