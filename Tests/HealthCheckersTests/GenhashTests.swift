import Foundation
import KeepaliveTestSupport
import ScriptRunner
import Testing

/// Debian's genhash (keepalived package) and `kactl genhash` against the same pages: python's
/// http.server for HTTP, openssl s_server for HTTPS. Both must print the same digest, which
/// must be md5sum's of the file.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/genhash"), "needs keepalived's genhash"))
struct GenhashTests {
    static let page = String(repeating: "<p>genhash compares this page</p>\n", count: 40)

    func digests(_ arguments: [String]) async throws -> (genhash: String, kactl: String) {
        let genhash = try await command("/usr/bin/genhash", arguments)
        let kactl = try await command(try Repository.binary("kactl"), ["genhash"] + arguments)
        return (
            genhash.trimmingCharacters(in: .whitespacesAndNewlines),
            kactl.trimmingCharacters(in: .whitespacesAndNewlines)
        )
    }

    @Test func httpDigestsMatchGenhash() async throws {
        let directory = try Repository.temporaryDirectory("checkers-genhash")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data(Self.page.utf8).write(to: URL(fileURLWithPath: directory + "/page.html"))
        let port = try await LocalServer.freePort()
        let server = try ScriptProcess.spawn(
            ScriptInvocation(
                command: ScriptCommand(
                    program: "/usr/bin/python3",
                    arguments: ["-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", directory]),
                timeout: .seconds(120)))
        defer { server.kill() }
        try await waitForListener(port: port)
        let expected = try await md5sum(Self.page)
        for protocolVersion in ["1.0", "1.1"] {
            let found = try await digests([
                "-s", "127.0.0.1", "-p", String(port), "-u", "/page.html", "-P", protocolVersion,
            ])
            #expect(found.genhash == expected)
            #expect(found.kactl == expected)
        }
    }

    @Test func httpsDigestsMatchGenhash() async throws {
        let certificate = try await TestCertificate.make()
        defer { certificate.remove() }
        try Data(Self.page.utf8).write(to: URL(fileURLWithPath: certificate.directory + "/page.html"))
        let port = try await LocalServer.freePort()
        let server = try OpenSSLServer(certificate: certificate, port: port)
        defer { server.stop() }
        try await server.waitUntilListening()
        let found = try await digests(["-S", "-s", "127.0.0.1", "-p", String(port), "-u", "/page.html"])
        let expected = try await md5sum(Self.page)
        #expect(found.genhash == expected)
        #expect(found.kactl == expected)
    }

    @Test func anUnreachableServerFailsWithGenhashsWords() async throws {
        let port = try await LocalServer.closedPort()
        let result = await ScriptProcess.run(
            ScriptInvocation(
                command: ScriptCommand(
                    program: try Repository.binary("kactl"),
                    arguments: ["genhash", "-s", "127.0.0.1", "-p", String(port), "-u", "/"]),
                timeout: .seconds(30), output: .capture))
        #expect(result.outcome == .exited(1))
        #expect(result.outputText == "Connection failed\n")
    }

    @Test func badOptionsAreUsageErrors() async throws {
        let result = await ScriptProcess.run(
            ScriptInvocation(
                command: ScriptCommand(
                    program: try Repository.binary("kactl"), arguments: ["genhash", "-s", "not-an-ip", "-u", "/"]),
                timeout: .seconds(30), output: .capture))
        #expect(result.outcome == .exited(2))
        #expect(result.outputText.contains("-s needs an IPv4 or IPv6 address"))
    }
}

/// Polls with TCP connects until something accepts on the loopback port.
func waitForListener(port: Int) async throws {
    for _ in 0..<400 {
        if (try? await command("/bin/bash", ["-c", "exec 3<>/dev/tcp/127.0.0.1/\(port)"])) != nil { return }
        try await Task.sleep(for: .milliseconds(25))
    }
    throw CommandFailed(command: "connect 127.0.0.1:\(port)", outcome: .exited(1), output: "nothing listens")
}
