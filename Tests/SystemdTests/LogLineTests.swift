import Glibc
import Logging
import Testing

@testable import Systemd

@Suite("plain stderr lines")
struct LogLineTests {
    @Test("the line has timestamp, label, pid, level, message and sorted key=value pairs")
    func format() {
        let event = LogEvent(
            level: .warning, message: "Removing service [10.0.0.2]:80 from VS [192.168.1.1]:80",
            metadata: nil, source: nil, file: #fileID, function: #function, line: #line)
        let line = LogLine.format(
            event: event, label: "keepalive.ipvs",
            metadata: ["vs": "192.168.1.1:80", "rs": "10.0.0.2:80", "reason": "connect refused"],
            time: .seconds(1_795_377_308) + .milliseconds(123), pid: 4242)
        #expect(
            line == "2026-11-22T19:55:08.123Z keepalive.ipvs[4242]: warning: "
                + "Removing service [10.0.0.2]:80 from VS [192.168.1.1]:80 "
                + "reason=\"connect refused\" rs=10.0.0.2:80 vs=192.168.1.1:80")
    }

    @Test("an error is shown as error=")
    func errorIsShown() {
        struct Refused: Error, CustomStringConvertible { var description: String { "refused" } }
        let event = LogEvent(
            level: .error, message: "check failed", error: Refused(), metadata: nil, source: nil,
            file: #fileID, function: #function, line: #line)
        let line = LogLine.format(event: event, label: "checkd", metadata: [:], time: .zero, pid: 1)
        #expect(line == "1970-01-01T00:00:00.000Z checkd[1]: error: check failed error=refused")
    }

    @Test(
        "values are quoted only when they need it",
        arguments: [
            ("VI_1", "VI_1"),
            ("", "\"\""),
            ("two words", "\"two words\""),
            ("a=b", "\"a=b\""),
            ("say \"hi\"", "\"say \\\"hi\\\"\""),
            ("line\nbreak", "\"line\\nbreak\""),
            ("back\\slash here", "\"back\\\\slash here\""),
            ("bell\u{7}", "\"bell\\x07\""),
        ])
    func quoting(value: String, expected: String) {
        #expect(LogLine.quoted(value) == expected)
    }

    @Test("the stderr handler writes whole lines to its descriptor")
    func handlerWritesLines() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer {
            close(ends[0])
            close(ends[1])
        }
        let writeEnd = ends[1]
        var logger = Logger(label: "keepalive.test") { label in
            StderrLogHandler(label: label, fileDescriptor: writeEnd, metadataProvider: nil)
        }
        logger[metadataKey: "instance"] = "VI_1"
        logger.logLevel = .debug
        logger.debug("first", metadata: ["state": "BACKUP"])
        logger.trace("not shown: below the level")
        logger.info("second")

        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { read(ends[0], $0.baseAddress, $0.count) }
        let lines = String(decoding: buffer[..<max(count, 0)], as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasSuffix(" keepalive.test[\(getpid())]: debug: first instance=VI_1 state=BACKUP") == true)
        #expect(lines.last?.hasSuffix(" keepalive.test[\(getpid())]: info: second instance=VI_1") == true)
    }
}
