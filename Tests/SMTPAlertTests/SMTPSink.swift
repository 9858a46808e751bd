import Foundation
import KeepaliveTestSupport

/// The repository's Python SMTP sink (Tests/Fixtures/smtp-sink.py) on a free loopback port:
/// every mail it accepts comes back as one `ReceivedMail`.
final class SMTPSink: Sendable {
    let process: ChildProcess
    let port: Int

    struct ReceivedMail: Decodable, Sendable {
        var helo: String?
        var from: String?
        var to: [String]
        var data: String
    }

    struct StartError: Error, CustomStringConvertible {
        var description: String
    }

    init() async throws {
        let script = Repository.root + "/Tests/Fixtures/smtp-sink.py"
        process = try ChildProcess("/usr/bin/python3", [script])
        guard await process.waitForOutput(containing: "PORT ", seconds: 10),
            let line = process.stdout.split(separator: "\n").first(where: { $0.hasPrefix("PORT ") }),
            let port = Int(line.dropFirst(5))
        else {
            process.signal(SIGKILL)
            throw StartError(description: "smtp-sink did not start: \(process.stderr)")
        }
        self.port = port
    }

    /// Waits until `count` mails arrived and returns them.
    func mails(count: Int = 1, seconds: Double = 20) async throws -> [ReceivedMail] {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let lines = process.stdout.split(separator: "\n").filter { $0.hasPrefix("{") }
            if lines.count >= count || Date() > deadline {
                return try lines.map { try JSONDecoder().decode(ReceivedMail.self, from: Data($0.utf8)) }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    func stop() async {
        process.signal(SIGKILL)
        _ = await process.wait(seconds: 5)
    }
}
