import Foundation
import HealthCheckers
import KeepalivedConfig
import Testing

@Suite struct TCPProbeTests {
    @Test func aListeningServerPasses() async throws {
        let server = try await LocalServer.start(.silent)
        defer { Task { await server.stop() } }
        let probe = try Fixture.probe(.tcp(ConnectCheck()), port: server.port)
        #expect(probe.keyword == "TCP_CHECK")
        #expect(await probe.attempt() == .success(weight: nil))
    }

    @Test func anIPv6ServerPasses() async throws {
        let server = try await LocalServer.start(.silent, host: "::1")
        defer { Task { await server.stop() } }
        let probe = try Fixture.probe(.tcp(ConnectCheck()), address: "::1", port: server.port)
        #expect(await probe.attempt() == .success(weight: nil))
    }

    @Test func aClosedPortIsRefused() async throws {
        let port = try await LocalServer.closedPort()
        let probe = try Fixture.probe(.tcp(ConnectCheck()), port: port)
        let result = await probe.attempt()
        #expect(result == .failure(.connectionRefused))
        if case .failure(let failure) = result {
            #expect(
                failure.logLine(keyword: "TCP_CHECK", target: "[127.0.0.1]:\(port)")
                    == "TCP connection to [127.0.0.1]:\(port) failed (connection refused).")
        }
    }

    @Test func connectIPAndPortOverrideTheRealServer() async throws {
        let server = try await LocalServer.start(.silent)
        defer { Task { await server.stop() } }
        var check = ConnectCheck()
        check.options.connectIP = IPAddress("127.0.0.1")
        check.options.connectPort = server.port
        // The real server itself (port 1 on 127.0.0.2) would refuse.
        let probe = try Fixture.probe(.tcp(check), address: "127.0.0.2", port: 1)
        #expect(await probe.attempt() == .success(weight: nil))
    }

    @Test func bindtoAndBindPortSetTheSource() async throws {
        let server = try await AcceptRecorder.start()
        defer { Task { await server.stop() } }
        let sourcePort = try await LocalServer.freePort(host: "127.0.0.3")
        let check = ConnectCheck(options: Fixture.options(bindTo: "127.0.0.3", bindPort: sourcePort))
        let probe = try Fixture.probe(.tcp(check), port: server.port)
        #expect(await probe.attempt() == .success(weight: nil))
        // The server may see the connection a moment after the client does.
        for _ in 0..<100 where await server.peers().isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        #expect(await server.peers() == ["127.0.0.3:\(sourcePort)"])
    }

    @Test(.enabled(if: getuid() == 0, "needs root: creates a network namespace"))
    func aBlackholedAddressTimesOut() async throws {
        try await withRoutedNamespace { net in
            let check = ConnectCheck(options: Fixture.options(connectTimeout: 0.5))
            let probe = try Fixture.probe(.tcp(check), address: net.blackhole, port: 80)
            #expect(await probe.attempt() == .failure(.timeout))
        }
    }

    @Test(.enabled(if: getuid() == 0, "needs root: creates a network namespace"))
    func anUnreachableAddressFails() async throws {
        try await withRoutedNamespace { net in
            let check = ConnectCheck(options: Fixture.options(connectTimeout: 3))
            let probe = try Fixture.probe(.tcp(check), address: net.unreachable, port: 80)
            #expect(await probe.attempt() == .failure(.icmpUnreachable))
        }
    }

    @Test func aMissingPortIsAConfigurationError() throws {
        var real = RealServer(address: IPAddress("127.0.0.1")!)
        real.port = nil
        let virtual = VirtualServer(service: .fwmark(mark: 1))
        #expect(throws: ProbeConfigurationError.noPort("TCP_CHECK")) {
            try ProbeFactory.make(
                .tcp(ConnectCheck()), realServer: real, virtualServer: virtual, eventLoopGroup: Fixture.group)
        }
    }
}
