import Foundation
import Testing

extension VRRPDaemonIntegrationTests {
    /// `smtp_alert`: vrrpd mails every transition to the SMTP server (the repository's Python
    /// sink on the namespace's loopback) with keepalived's subject and body; a dead server
    /// costs a log line and the transitions happen all the same.
    @Suite(.enabled(if: getuid() == 0, "needs root: creates network namespaces"))
    struct SMTPAlertDaemonTests {
        static func globals(port: Int) -> String {
            """
            global_defs {
                router_id lb-test
                notification_email {
                    ops@example.com
                }
                notification_email_from vrrpd@lb-test
                smtp_server 127.0.0.1 \(port)
                smtp_connect_timeout 5
                smtp_alert
            }

            """
        }

        @Test func everyTransitionIsMailed() async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { bus in
                    let directory = try makeTemporaryDirectory("kavd-smtp")
                    defer { try? FileManager.default.removeItem(atPath: directory) }
                    let sink = try ChildProcess(
                        "/usr/sbin/ip",
                        ["netns", "exec", network.a, "/usr/bin/python3", Fixtures.directory + "/smtp-sink.py"],
                        logPath: directory + "/sink")
                    defer { sink.signal(SIGKILL) }
                    try await waitUntil("the sink listens") { sink.log.contains("PORT ") }
                    let port = try #require(
                        sink.log.split(separator: "\n").first { $0.hasPrefix("PORT ") }.flatMap { Int($0.dropFirst(5)) })
                    let instance = TestInstance.on(network, network.a, priority: 100)
                    try await VRRPDProcess.with(
                        namespace: network.a, configuration: Self.globals(port: port) + instance.configuration, bus: bus
                    ) { daemon in
                        try await daemon.waitForState("MASTER")
                        try await waitUntil("two mails arrive") {
                            sink.log.split(separator: "\n").filter { $0.hasPrefix("{") }.count >= 2
                        }
                        let mails = try sink.log.split(separator: "\n").filter { $0.hasPrefix("{") }.map {
                            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
                        }
                        let data = mails.compactMap { $0["data"] as? String }
                        #expect(data.first?.contains("Subject: [lb-test] VRRP Instance VI_1 - Entering BACKUP state\r\n") == true)
                        #expect(data.last?.contains("Subject: [lb-test] VRRP Instance VI_1 - Entering MASTER state\r\n") == true)
                        #expect(data.last?.contains("\r\n\r\n=> VRRP Instance is now owning VRRP VIPs <=\r\n") == true)
                        #expect(mails.first?["from"] as? String == "vrrpd@lb-test")
                        #expect(mails.first?["to"] as? [String] == ["ops@example.com"])
                        #expect(daemon.log.contains("SMTP alert successfully sent."))
                    }
                }
            }
        }

        @Test func aDeadServerIsALogLine() async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { bus in
                    // Port 9 (discard) on the namespace's loopback: nothing listens, the connection is refused.
                    let instance = TestInstance.on(network, network.a, priority: 100)
                    try await VRRPDProcess.with(
                        namespace: network.a, configuration: Self.globals(port: 9) + instance.configuration, bus: bus
                    ) { daemon in
                        try await daemon.waitForState("MASTER")
                        try await waitUntil("the failed mail is logged") {
                            daemon.log.contains("SMTP connection ERROR to [127.0.0.1]:9")
                        }
                        #expect(try network.holdsVirtualAddress(network.a))
                    }
                }
            }
        }
    }
}
