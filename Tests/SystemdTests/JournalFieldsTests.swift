import Logging
import Testing

@testable import Systemd

@Suite("journal field mapping")
struct JournalFieldsTests {
    @Test(
        "metadata keys become KEEPALIVE_ field names",
        arguments: [
            ("instance", "KEEPALIVE_INSTANCE"),
            ("keepalive.instance", "KEEPALIVE_INSTANCE"),
            ("KEEPALIVE_INSTANCE", "KEEPALIVE_INSTANCE"),
            ("vrrp-state", "KEEPALIVE_VRRP_STATE"),
            ("state", "KEEPALIVE_STATE"),
            ("real_server", "KEEPALIVE_REAL_SERVER"),
            ("9lives", "KEEPALIVE_9LIVES"),
            ("_private", "KEEPALIVE__PRIVATE"),
            ("", "KEEPALIVE_"),
            ("ümlaut key", "KEEPALIVE___MLAUT_KEY"),
            ("MESSAGE", "KEEPALIVE_MESSAGE"),
        ])
    func fieldName(key: String, expected: String) {
        #expect(JournalFields.fieldName(forMetadataKey: key) == expected)
    }

    @Test("field names stop at journald's 64 bytes")
    func longNamesAreCut() {
        let name = JournalFields.fieldName(forMetadataKey: String(repeating: "x", count: 100))
        #expect(name.utf8.count == 64)
        #expect(name.hasPrefix("KEEPALIVE_XXX"))
    }

    @Test(
        "log levels map to syslog priorities",
        arguments: [
            (Logger.Level.trace, 7), (.debug, 7), (.info, 6), (.notice, 5), (.warning, 4), (.error, 3),
            (.critical, 2),
        ])
    func priority(level: Logger.Level, expected: Int) {
        #expect(JournalFields.priority(for: level) == expected)
    }

    @Test("one record gives message, priority, identity, call site, then sorted metadata")
    func recordFields() {
        struct Refused: Error, CustomStringConvertible { var description: String { "bind refused" } }
        let event = LogEvent(
            level: .notice, message: "VRRP_Instance(VI_1) Entering MASTER STATE", error: Refused(),
            metadata: nil, source: nil, file: "Sources/vrrpd/Instance.swift", function: "enterMaster()", line: 42)
        let fields = JournalFields.fields(
            for: event, identifier: "vrrpd", label: "keepalive.vrrp",
            metadata: ["state": "MASTER", "instance": "VI_1", "keepalive.instance": "VI_1"])
        #expect(
            fields.map(\.name) == [
                "MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "KEEPALIVE_LOGGER", "CODE_FILE", "CODE_LINE", "CODE_FUNC",
                "KEEPALIVE_ERROR", "KEEPALIVE_INSTANCE", "KEEPALIVE_STATE",
            ])
        #expect(
            fields.map(\.value) == [
                "VRRP_Instance(VI_1) Entering MASTER STATE", "5", "vrrpd", "keepalive.vrrp",
                "Sources/vrrpd/Instance.swift", "42", "enterMaster()", "bind refused", "VI_1", "MASTER",
            ])
    }
}
