import Foundation
import Logging
import Testing

@testable import SMTPAlert

@Suite("Delivery to a real SMTP server on loopback")
struct DeliveryTests {
    func settings(port: Int, recipients: [String] = ["ops@example.com", "oncall@example.com"]) -> SMTPAlertSettings {
        SMTPAlertSettings(
            host: "127.0.0.1", port: port, recipients: recipients, from: "keepalived@lb1", heloName: "lb1.example",
            routerID: "lb1", timeout: .seconds(5))
    }

    @Test func aTransitionMailArrivesAsKeepalivedSendsIt() async throws {
        let sink = try await SMTPSink()
        defer { Task { await sink.stop() } }
        let logs = CapturedLogs()
        let alerter = SMTPAlerter(settings: settings(port: sink.port), logger: logs.logger)
        await alerter.post(.vrrpInstance("VI_1", entering: .master, routerID: "lb1")).value

        let mail = try #require(try await sink.mails().first)
        #expect(mail.helo == "lb1.example")
        #expect(mail.from == "keepalived@lb1")
        #expect(mail.to == ["ops@example.com", "oncall@example.com"])
        #expect(mail.data.contains("\r\nFrom: keepalived@lb1\r\n"))
        #expect(mail.data.contains("\r\nSubject: [lb1] VRRP Instance VI_1 - Entering MASTER state\r\n"))
        #expect(mail.data.contains("\r\nX-Mailer: Keepalived\r\nTo: ops@example.com, oncall@example.com\r\n\r\n"))
        #expect(mail.data.contains("\r\n\r\n=> VRRP Instance is now owning VRRP VIPs <=\r\n"))
        #expect(mail.data.hasPrefix("Date: "))
        #expect(logs.messages.contains("info: SMTP alert successfully sent."))
    }

    @Test func aDeadServerGivesOneLogLine() async throws {
        let (socket, port) = try boundSocket(listening: false)
        defer { close(socket) }
        let logs = CapturedLogs()
        let alerter = SMTPAlerter(settings: settings(port: port), logger: logs.logger)
        await #expect(throws: SMTPAlertError.self) {
            try await alerter.send(.vrrpInstance("VI_1", entering: .backup, routerID: "lb1"))
        }
        await alerter.post(.vrrpInstance("VI_1", entering: .backup, routerID: "lb1")).value
        #expect(logs.messages.count == 1)
        #expect(logs.messages.first?.hasPrefix("warning: SMTP connection ERROR to [127.0.0.1]:\(port)") == true)
    }

    @Test func aRefusedRecipientIsReported() async throws {
        let sink = try await SMTPSink()
        defer { Task { await sink.stop() } }
        let alerter = SMTPAlerter(
            settings: settings(port: sink.port, recipients: ["nobody@example.com"]), logger: CapturedLogs().logger)
        await #expect(throws: SMTPAlertError.rejected(server: "[127.0.0.1]:\(sink.port)", stage: .rcpt, code: 550)) {
            try await alerter.send(.vrrpInstance("VI_1", entering: .fault, routerID: "lb1"))
        }
    }

    @Test func aSilentServerTimesOut() async throws {
        // A listening socket nobody accepts on: the kernel completes the handshake, no greeting comes.
        let (socket, port) = try silentListener()
        defer { close(socket) }
        var quick = settings(port: port)
        quick.timeout = .seconds(1)
        let alerter = SMTPAlerter(settings: quick, logger: CapturedLogs().logger)
        await #expect(throws: SMTPAlertError.timedOut(server: "[127.0.0.1]:\(port)", stage: .connect)) {
            try await alerter.send(.vrrpInstance("VI_1", entering: .master, routerID: "lb1"))
        }
    }

    func silentListener() throws -> (Int32, Int) { try boundSocket(listening: true) }

    /// A loopback TCP socket on a kernel-chosen port. Not listening, it keeps the port closed
    /// (connects get RST) and, bound without SO_REUSEADDR, free of other tests' servers.
    func boundSocket(listening: Bool) throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && (!listening || listen(fd, 4) == 0) && getsockname(fd, raw, &length) == 0
            }
        }
        guard fd >= 0, bound else { throw POSIXError(.EADDRNOTAVAIL) }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}
