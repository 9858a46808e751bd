import Foundation
import ScriptRunner

/// A minimal SMTP server (220 banner, 250 to HELO, 221 to QUIT) inside a `PeerNamespace`, on
/// every address there (dual stack): for SMTP_CHECK `host` blocks that only reach it by mark or
/// through an interface.
struct PeerSMTPServer: Sendable {
    let port: Int
    private let process: ScriptProcess

    /// The server, in Python: a thread per connection, so a probe that never finishes its
    /// dialogue does not hold up the next one.
    private static let program = """
        import socket, socketserver, sys
        class Dialogue(socketserver.StreamRequestHandler):
            def handle(self):
                self.wfile.write(b"220 peer ESMTP\\r\\n")
                for line in self.rfile:
                    verb = line[:4].upper()
                    if verb == b"HELO":
                        self.wfile.write(b"250 peer\\r\\n")
                    elif verb == b"QUIT":
                        self.wfile.write(b"221 bye\\r\\n")
                        return
                    else:
                        self.wfile.write(b"502 no\\r\\n")
        class Server(socketserver.ThreadingTCPServer):
            address_family = socket.AF_INET6
            allow_reuse_address = True
            daemon_threads = True
            def server_bind(self):
                self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
                super().server_bind()
        Server(("::", int(sys.argv[1])), Dialogue).serve_forever()
        """

    static func start(in peer: PeerNamespace, port: Int = 2525) async throws -> PeerSMTPServer {
        let process = try ScriptProcess.spawn(
            ScriptInvocation(
                command: ScriptCommand(
                    program: "/usr/sbin/ip",
                    arguments: ["netns", "exec", peer.namespace, "/usr/bin/python3", "-c", program, "\(port)"]),
                timeout: .seconds(300)))
        let server = PeerSMTPServer(port: port, process: process)
        for _ in 0..<400 {
            let listening = try await command("/usr/sbin/ip", ["netns", "exec", peer.namespace, "ss", "-Hltn"])
            if listening.contains(":\(port)") { return server }
            try await Task.sleep(for: .milliseconds(25))
        }
        server.stop()
        throw PeerNamespace.NotListening(namespace: peer.namespace)
    }

    func stop() {
        process.kill()
    }
}

/// Runs `body` with a peer namespace that also runs an SMTP server; both go on every path.
func withPeerSMTPServer<T>(_ body: (PeerNamespace, PeerSMTPServer) async throws -> T) async throws -> T {
    try await withPeerNamespace { peer in
        let server = try await PeerSMTPServer.start(in: peer)
        defer { server.stop() }
        return try await body(peer, server)
    }
}
