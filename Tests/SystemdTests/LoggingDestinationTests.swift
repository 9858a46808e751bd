import Glibc
import Logging
import Testing

@testable import Systemd

extension ProcessGlobalTests {
    @Suite("choosing the journal or stderr")
    struct LoggingDestinationTests {
        /// `JOURNAL_STREAM` as systemd would set it for the file behind `fd`.
        static func journalStream(of fd: Int32) throws -> String {
            var status = stat()
            try #require(fstat(fd, &status) == 0)
            return "\(status.st_dev):\(status.st_ino)"
        }

        @Test("JOURNAL_STREAM must name stderr's own device and inode")
        func journalStreamMatching() throws {
            let stderrStream = try Self.journalStream(of: STDERR_FILENO)
            #expect(SystemdLogging.isJournalStream(stderrStream))
            #expect(!SystemdLogging.isJournalStream(nil))
            #expect(!SystemdLogging.isJournalStream(""))
            #expect(!SystemdLogging.isJournalStream("garbage"))
            #expect(!SystemdLogging.isJournalStream("1:2:3"))
            #expect(!SystemdLogging.isJournalStream(stderrStream + "0"))

            // A redirected stderr: the inherited variable names another file.
            var ends: [Int32] = [0, 0]
            try #require(pipe(&ends) == 0)
            defer {
                close(ends[0])
                close(ends[1])
            }
            let pipeStream = try Self.journalStream(of: ends[1])
            #expect(SystemdLogging.isJournalStream(pipeStream, fileDescriptor: ends[1]))
            #expect(!SystemdLogging.isJournalStream(pipeStream, fileDescriptor: STDERR_FILENO))
        }

        @Test("the environment decides the destination and the handler")
        func destinationFromEnvironment() async throws {
            let stderrStream = try Self.journalStream(of: STDERR_FILENO)
            try await withEnvironment(["JOURNAL_STREAM": stderrStream]) { () async throws -> Void in
                #expect(SystemdLogging.destination() == .journal)
                let handler = SystemdLogging.makeHandler(label: "x", destination: .journal, logLevel: .debug)
                #expect(handler is JournalLogHandler)
                #expect(handler.logLevel == .debug)
            }
            try await withEnvironment(["JOURNAL_STREAM": "0:0"]) { () async throws -> Void in
                #expect(SystemdLogging.destination() == .stderr)
            }
            try await withEnvironment(["JOURNAL_STREAM": nil]) { () async throws -> Void in
                #expect(SystemdLogging.destination() == .stderr)
                #expect(SystemdLogging.makeHandler(label: "x", destination: .stderr) is StderrLogHandler)
            }
        }

        @Test("without the journal, lines land on the process's real stderr (fd 2)")
        func linesReachStderr() throws {
            var ends: [Int32] = [0, 0]
            try #require(pipe(&ends) == 0)
            let saved = dup(STDERR_FILENO)
            try #require(saved >= 0)
            let marker = "capture-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"

            dup2(ends[1], STDERR_FILENO)
            let logger = Logger(label: "keepalive.capture") { label in
                SystemdLogging.makeHandler(label: label, destination: .stderr)
            }
            logger.notice("\(marker)", metadata: ["keepalive.instance": "VI_1"])
            dup2(saved, STDERR_FILENO)
            close(saved)
            close(ends[1])

            var captured: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(ends[0], $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                captured += buffer[..<count]
            }
            close(ends[0])

            let lines = String(decoding: captured, as: UTF8.self).split(separator: "\n").map(String.init)
            // Anything else written to fd 2 meanwhile (the test runner's output) goes back to it.
            for line in lines where !line.contains(marker) {
                let bytes = Array((line + "\n").utf8)
                _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            }
            let ours = lines.filter { $0.contains(marker) }
            #expect(ours.count == 1)
            let line = try #require(ours.first)
            #expect(line.hasSuffix(" keepalive.capture[\(getpid())]: notice: \(marker) keepalive.instance=VI_1"))
            #expect(line.firstIndex(of: " ").map { line[..<$0].hasSuffix("Z") } == true, "UTC timestamp first")
        }
    }
}
