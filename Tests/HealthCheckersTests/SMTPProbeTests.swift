import Foundation
import HealthCheckers
import KeepalivedConfig
import Testing

func smtpCheck(helo: String? = "checker.example", timeout: Double = 1) -> HealthChecker {
    var check = SMTPCheck()
    check.heloName = helo
    check.options.connectTimeout = timeout
    return .smtp(check)
}

let goodSMTP = LocalServer.Behaviour.lineDialogue(
    greeting: "220-mail.example ESMTP\r\n220 ready\r\n",
    answers: [("HELO", "250-mail.example\r\n250 hello\r\n"), ("QUIT", "221 bye\r\n")])

@Suite struct SMTPProbeTests {
    @Test func theHeloDialoguePasses() async throws {
        let server = try await LocalServer.start(goodSMTP)
        defer { Task { await server.stop() } }
        let probe = try Fixture.probe(smtpCheck(), port: server.port)
        #expect(probe.keyword == "SMTP_CHECK")
        let result = await probe.attempt()
        #expect(result == .success(weight: nil))
        #expect(server.requests() == ["HELO checker.example\r", "QUIT\r"])
    }

    @Test func theDefaultHeloNameIsTheHostName() async throws {
        let server = try await LocalServer.start(goodSMTP)
        defer { Task { await server.stop() } }
        #expect(await (try Fixture.probe(smtpCheck(helo: nil), port: server.port)).attempt() == .success(weight: nil))
        #expect(server.requests().first == "HELO \(SMTPProbe.localHostName())\r")
    }

    @Test func everyHostMustPass() async throws {
        let good = try await LocalServer.start(goodSMTP)
        defer { Task { await good.stop() } }
        let closed = try await LocalServer.closedPort()
        var check = SMTPCheck()
        check.heloName = "x"
        var host = CheckerOptions()
        host.connectIP = IPAddress("127.0.0.1")
        host.connectPort = closed
        check.hosts = [host]
        let probe = try Fixture.probe(.smtp(check), port: good.port)
        #expect(await probe.attempt() == .failure(.connectionRefused))
    }

    @Test func aWrongBannerFails() async throws {
        let server = try await LocalServer.start(.lineDialogue(greeting: "554 no service here\r\n", answers: []))
        defer { Task { await server.stop() } }
        let result = await (try Fixture.probe(smtpCheck(), port: server.port)).attempt()
        #expect(result == .failure(.smtpBanner("554 no service here")))
        if case .failure(let failure) = result {
            #expect(
                failure.logLine(keyword: "SMTP_CHECK", target: "[127.0.0.1]:25")
                    == "SMTP_CHECK bad banner from server [127.0.0.1]:25: 554 no service here.")
        }
    }

    @Test func aMissingBannerTimesOut() async throws {
        let server = try await LocalServer.start(.silent)
        defer { Task { await server.stop() } }
        #expect(await (try Fixture.probe(smtpCheck(timeout: 0.3), port: server.port)).attempt() == .failure(.timeout))
    }

    @Test func aRejectedHeloFails() async throws {
        let server = try await LocalServer.start(
            .lineDialogue(greeting: "220 ready\r\n", answers: [("HELO", "501 go away\r\n")]))
        defer { Task { await server.stop() } }
        #expect(
            await (try Fixture.probe(smtpCheck(), port: server.port)).attempt()
                == .failure(.smtpReply(command: "HELO", reply: "501 go away")))
    }

    @Test func aClosedPortIsRefused() async throws {
        let port = try await LocalServer.closedPort()
        #expect(await (try Fixture.probe(smtpCheck(), port: port)).attempt() == .failure(.connectionRefused))
    }
}

@Suite struct PingProbeTests {
    @Test(arguments: ["127.0.0.1", "::1"])
    func loopbackAnswers(address: String) async throws {
        let probe = try Fixture.probe(.ping(ConnectCheck()), address: address, port: nil)
        #expect(probe.keyword == "PING_CHECK")
        #expect(await probe.attempt() == .success(weight: nil))
    }

    @Test(.enabled(if: getuid() == 0, "needs root: creates a network namespace"))
    func aPeerInANamespaceAnswers() async throws {
        try await withRoutedNamespace { net in
            let probe = try Fixture.probe(.ping(ConnectCheck()), address: net.peer, port: nil)
            #expect(await probe.attempt() == .success(weight: nil))
        }
    }

    @Test(.enabled(if: getuid() == 0, "needs root: creates a network namespace"))
    func anUnreachableAddressFails() async throws {
        try await withRoutedNamespace { net in
            let probe = try Fixture.probe(
                .ping(ConnectCheck(options: Fixture.options(connectTimeout: 3))), address: net.unreachable, port: nil)
            let result = await probe.attempt()
            #expect(result == .failure(.icmpUnreachable))
            if case .failure(let failure) = result {
                #expect(
                    failure.logLine(keyword: "PING_CHECK", target: "[\(net.unreachable)]")
                        == "ICMP check to [\(net.unreachable)] failed (destination unreachable).")
            }
        }
    }

    @Test(.enabled(if: getuid() == 0, "needs root: creates a network namespace"))
    func noReplyTimesOut() async throws {
        try await withRoutedNamespace { net in
            let probe = try Fixture.probe(
                .ping(ConnectCheck(options: Fixture.options(connectTimeout: 0.5))), address: net.blackhole, port: nil)
            #expect(await probe.attempt() == .failure(.timeout))
        }
    }
}
