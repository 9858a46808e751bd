import Glibc
import Logging
import Testing

@testable import Systemd

/// journald's native socket. There is no journald here, so the test binds the path itself.
private let journalSocketPath = "/run/systemd/journal/socket"

/// True when nothing listens at the journal socket path. A socket file left by a crashed run
/// refuses connections; it is removed so it cannot block the test forever.
private func journalSocketIsFree() -> Bool {
    guard access(journalSocketPath, F_OK) == 0 else { return true }
    let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(journalSocketPath.utf8)) }
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
        }
    }
    guard result != 0, errno == ECONNREFUSED else { return false }
    return unlink(journalSocketPath) == 0
}

extension ProcessGlobalTests {
    @Suite("journal native protocol")
    struct JournalProtocolTests {
        @Test(
            "entries reach the journal socket with MESSAGE, PRIORITY and KEEPALIVE_ fields",
            .enabled(if: getuid() == 0, "needs root: binds /run/systemd/journal/socket"),
            .enabled(
                if: journalSocketIsFree(),
                "a real journald listens on /run/systemd/journal/socket: not stealing its socket"))
        func entriesUseNativeProtocol() throws {
            let directory = "/run/systemd/journal"
            let createdDirectory = mkdir(directory, 0o755) == 0
            try #require(createdDirectory || errno == EEXIST, "mkdir \(directory)")
            let journal = try DatagramSocket(path: journalSocketPath, ownedDirectory: createdDirectory ? directory : nil)

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
