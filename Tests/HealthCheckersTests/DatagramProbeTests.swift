import Foundation
import HealthCheckers
import KeepalivedConfig
import Synchronization
import Testing

func dnsCheck(type: DNSCheck.QueryType = .soa, name: String = ".", timeout: Double = 1) -> HealthChecker {
    var check = DNSCheck()
    check.type = type
    check.name = name
    check.options.connectTimeout = timeout
    return .dns(check)
}

final class Received: Sendable {
    let datagrams = Mutex<[[UInt8]]>([])
    func record(_ bytes: [UInt8]) { datagrams.withLock { $0.append(bytes) } }
    var all: [[UInt8]] { datagrams.withLock { $0 } }
}

@Suite struct DNSProbeTests {
    @Test func anAnswerPasses() async throws {
        let received = Received()
        let server = try await LocalDatagramServer.start { query in
            received.record(query)
            return dnsReply(to: query, answers: 1)
        }
        defer { Task { await server.stop() } }
        let probe = try Fixture.probe(dnsCheck(type: .a, name: "www.example.com"), port: server.port)
        #expect(probe.keyword == "DNS_CHECK")
        #expect(await probe.attempt() == .success(weight: nil))
        // The question: 3www7example3com0, type A (1), class IN (1), recursion desired.
        let query = try #require(received.all.first)
        #expect(query[2] == 0x01)
        #expect(
            Array(query[12...]) == [3] + Array("www".utf8) + [7] + Array("example".utf8) + [3] + Array("com".utf8) + [
                0, 0, 1, 0, 1,
            ])
    }

    @Test func noAnswerRecordsFails() async throws {
        let server = try await LocalDatagramServer.start { dnsReply(to: $0, answers: 0) }
        defer { Task { await server.stop() } }
        let result = await (try Fixture.probe(dnsCheck(), port: server.port)).attempt()
        #expect(result == .failure(.dnsNoAnswer))
        if case .failure(let failure) = result {
            #expect(
                failure.logLine(keyword: "DNS_CHECK", target: "[127.0.0.1]:53")
                    == "DNS_CHECK ([127.0.0.1]:53) no answer.")
        }
    }

    @Test func aReplyToAnotherQueryFails() async throws {
        let server = try await LocalDatagramServer.start { dnsReply(to: $0, answers: 1, idOffset: 1) }
        defer { Task { await server.stop() } }
        guard case .failure(.dnsReply) = await (try Fixture.probe(dnsCheck(), port: server.port)).attempt() else {
            Issue.record("a reply with another id must fail")
            return
        }
    }

    @Test func aSilentServerTimesOut() async throws {
        let server = try await LocalDatagramServer.start { _ in nil }
        defer { Task { await server.stop() } }
        #expect(await (try Fixture.probe(dnsCheck(timeout: 0.3), port: server.port)).attempt() == .failure(.timeout))
    }

    @Test func aClosedPortIsRefused() async throws {
        let port = try await LocalDatagramServer.closedPort()
        #expect(await (try Fixture.probe(dnsCheck(), port: port)).attempt() == .failure(.connectionRefused))
    }
}

func udpCheck(
    payload: String? = nil, requireReply: Bool = false, pattern: String? = nil, min: Int = 0, max: Int = 255,
    timeout: Double = 0.5
) -> HealthChecker {
    var check = UDPCheck()
    check.payload = payload
    check.requireReply = requireReply
    check.replyPattern = pattern
    check.minReplyLength = min
    check.maxReplyLength = max
    check.options.connectTimeout = timeout
    return .udp(check)
}

@Suite struct UDPProbeTests {
    @Test func theConfiguredPayloadIsSentAndAnyReplyPasses() async throws {
        let received = Received()
        let server = try await LocalDatagramServer.start { request in
            received.record(request)
            return Array("pong".utf8)
        }
        defer { Task { await server.stop() } }
        let probe = try Fixture.probe(udpCheck(payload: "deadbeef", requireReply: true), port: server.port)
        #expect(probe.keyword == "UDP_CHECK")
        #expect(await probe.attempt() == .success(weight: nil))
        #expect(received.all == [[0xde, 0xad, 0xbe, 0xef]])
    }

    @Test func silenceIsFineWithoutRequireReply() async throws {
        let server = try await LocalDatagramServer.start { _ in nil }
        defer { Task { await server.stop() } }
        #expect(await (try Fixture.probe(udpCheck(timeout: 0.2), port: server.port)).attempt() == .success(weight: nil))
    }

    @Test func silenceFailsWithRequireReply() async throws {
        let server = try await LocalDatagramServer.start { _ in nil }
        defer { Task { await server.stop() } }
        let probe = try Fixture.probe(udpCheck(requireReply: true, timeout: 0.2), port: server.port)
        #expect(await probe.attempt() == .failure(.udpNoReply))
    }

    @Test func portUnreachableFails() async throws {
        let port = try await LocalDatagramServer.closedPort()
        let probe = try Fixture.probe(udpCheck(), port: port)
        let result = await probe.attempt()
        #expect(result == .failure(.connectionRefused))
        if case .failure(let failure) = result {
            #expect(
                failure.logLine(keyword: "UDP_CHECK", target: "[127.0.0.1]:\(port)")
                    == "UDP_CHECK to [127.0.0.1]:\(port) failed (connection refused).")
        }
    }

    @Test func replyLengthLimits() async throws {
        let server = try await LocalDatagramServer.start { _ in Array(repeating: 7, count: 10) }
        defer { Task { await server.stop() } }
        let tooShort = try Fixture.probe(udpCheck(requireReply: true, min: 11), port: server.port)
        #expect(await tooShort.attempt() == .failure(.replyLength(10)))
        let tooLong = try Fixture.probe(udpCheck(requireReply: true, max: 9), port: server.port)
        #expect(await tooLong.attempt() == .failure(.replyLength(10)))
        let fits = try Fixture.probe(udpCheck(requireReply: true, min: 10, max: 10), port: server.port)
        #expect(await fits.attempt() == .success(weight: nil))
    }

    @Test func theReplyPatternAllowsWildcardNibbles() async throws {
        let server = try await LocalDatagramServer.start { _ in [0xab, 0x12, 0x0f, 0x99] }
        defer { Task { await server.stop() } }
        let matching = try Fixture.probe(udpCheck(requireReply: true, pattern: "ab1x0f"), port: server.port)
        #expect(await matching.attempt() == .success(weight: nil))
        let other = try Fixture.probe(udpCheck(requireReply: true, pattern: "ab2x"), port: server.port)
        #expect(await other.attempt() == .failure(.udpReplyMismatch))
    }
}
