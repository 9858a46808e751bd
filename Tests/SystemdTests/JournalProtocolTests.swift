import Glibc
import Logging
import Testing

@testable import Systemd

extension ProcessGlobalTests {
    @Suite("journal native protocol")
    struct JournalProtocolTests {
        @Test(
            "entries reach the journal socket with MESSAGE, PRIORITY and KEEPALIVE_ fields",
            .enabled(if: getuid() == 0, "needs root: binds /run/systemd/journal/socket"),
            .enabled(
                if: JournalSocket.isFree(),
                "a real journald listens on /run/systemd/journal/socket: not stealing its socket"))
        func entriesUseNativeProtocol() throws {
            let journal = try JournalSocket.bind()

            var logger = Logger(label: "keepalive.vrrp") { label in
                SystemdLogging.makeHandler(label: label, destination: .journal, identifier: "vrrpd")
            }
            logger[metadataKey: "keepalive.instance"] = "VI_1"
            let line = #line + 1
            logger.notice("VRRP_Instance(VI_1) Entering MASTER STATE", metadata: ["state": "MASTER"])

            let entry = try JournalDatagram(journal.receive())
            #expect(entry["MESSAGE"] == "VRRP_Instance(VI_1) Entering MASTER STATE")
            #expect(entry["PRIORITY"] == "5")
            #expect(entry["SYSLOG_IDENTIFIER"] == "vrrpd")
            #expect(entry["KEEPALIVE_LOGGER"] == "keepalive.vrrp")
            #expect(entry["KEEPALIVE_INSTANCE"] == "VI_1")
            #expect(entry["KEEPALIVE_STATE"] == "MASTER")
            #expect(entry["CODE_FILE"] == #fileID)
            #expect(entry["CODE_LINE"] == String(line))
            #expect(entry["CODE_FUNC"] == "entriesUseNativeProtocol()")

            // Below the level: nothing is sent.
            logger.debug("not sent")
            #expect(try journal.receiveIfQueued() == nil)

            // Multi-line values travel length-framed and come back whole.
            logger.error("config refused", metadata: ["reason": "line 3: unknown keyword\nline 9: missing }"])
            let framed = try JournalDatagram(journal.receive())
            #expect(framed["MESSAGE"] == "config refused")
            #expect(framed["PRIORITY"] == "3")
            #expect(framed["KEEPALIVE_REASON"] == "line 3: unknown keyword\nline 9: missing }")
        }
    }
}
