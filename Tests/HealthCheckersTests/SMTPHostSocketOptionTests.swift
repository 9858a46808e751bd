import Foundation
import HealthCheckers
import KeepalivedConfig
import Testing

/// SMTP_CHECK `host` blocks: `fwmark` and `bind_if`, their own or inherited from the SMTP_CHECK
/// block, reach each host's socket, against an SMTP server in a namespace only the marked or the
/// interface-bound connection reaches.
@Suite struct SMTPHostSocketOptionTests {
    /// A host block aimed at `address`:`port` with the given socket options.
    func host(_ address: String, _ port: Int, fwmark: UInt32? = nil, bindInterface: String? = nil) -> CheckerOptions {
        var host = CheckerOptions()
        host.connectIP = IPAddress(address)
        host.connectPort = port
        host.fwmark = fwmark.map(Int.init)
        host.bindInterface = bindInterface
        return host
    }

    func smtp(hosts: [CheckerOptions], fwmark: UInt32? = nil, bindInterface: String? = nil) -> HealthChecker {
        var check = SMTPCheck()
        check.heloName = "checker.example"
        check.options.connectTimeout = 1
        check.options.fwmark = fwmark.map(Int.init)
        check.options.bindInterface = bindInterface
        check.hosts = hosts
        return .smtp(check)
    }

    @Test(.enabled(if: getuid() == 0, "needs root: creates a network namespace and an ip rule"))
    func aHostBlockCarriesItsOwnFwmark() async throws {
        let local = try await LocalServer.start(goodSMTP)
        defer { Task { await local.stop() } }
        try await withPeerSMTPServer { peer, server in
            // The checker's own target is on loopback; only the host block goes to the namespace.
            let marked = try Fixture.probe(
                smtp(hosts: [host(peer.markedAddress, server.port, fwmark: peer.mark)]), port: local.port)
            #expect(await marked.attempt() == .success(weight: nil))

            let unmarked = try Fixture.probe(smtp(hosts: [host(peer.markedAddress, server.port)]), port: local.port)
            #expect(await unmarked.attempt() == .failure(.timeout))
        }
    }

    @Test(.enabled(if: getuid() == 0, "needs root: creates a network namespace and an ip rule"))
    func aHostBlockInheritsTheCheckersFwmark() async throws {
        let local = try await LocalServer.start(goodSMTP)
        defer { Task { await local.stop() } }
        try await withPeerSMTPServer { peer, server in
            // Loopback is routed by the local table before any fwmark rule: the mark does not hurt it.
            let inherited = try Fixture.probe(
                smtp(hosts: [host(peer.markedAddress, server.port)], fwmark: peer.mark), port: local.port)
            #expect(await inherited.attempt() == .success(weight: nil))

            // The host block's own mark wins over the checker's.
            let overridden = try Fixture.probe(
                smtp(hosts: [host(peer.markedAddress, server.port, fwmark: peer.mark + 1)], fwmark: peer.mark),
                port: local.port)
            #expect(await overridden.attempt() == .failure(.timeout))
        }
    }

    @Test(.enabled(if: getuid() == 0, "needs root: creates a network namespace"))
    func aHostBlockCarriesItsOwnBindIf() async throws {
        let local = try await LocalServer.start(goodSMTP)
        defer { Task { await local.stop() } }
        try await withPeerSMTPServer { peer, server in
            let bound = try Fixture.probe(
                smtp(hosts: [host(peer.linkLocalPeer, server.port, bindInterface: peer.hostLink)]), port: local.port)
            #expect(await bound.attempt() == .success(weight: nil))

            let elsewhere = try Fixture.probe(
                smtp(hosts: [host(peer.linkLocalPeer, server.port, bindInterface: "lo")]), port: local.port)
            #expect(await elsewhere.attempt() != .success(weight: nil))
        }
    }

    @Test(.enabled(if: getuid() == 0, "needs root: creates a network namespace"))
    func aHostBlockInheritsTheCheckersBindIf() async throws {
        try await withPeerSMTPServer { peer, server in
            // Without the inherited bind_if the link-local host block would be refused outright.
            var host = CheckerOptions()
            host.connectIP = IPAddress(peer.linkLocalPeer)
            let probe = try Fixture.probe(
                smtp(hosts: [host], bindInterface: peer.hostLink), address: peer.linkLocalPeer, port: server.port)
            #expect(await probe.attempt() == .success(weight: nil))
            let targets = try #require(probe as? SMTPProbe).targets
            #expect(targets.map(\.bindInterface) == [peer.hostLink, peer.hostLink])
        }
    }

    @Test func aLinkLocalHostBlockNeedsBindIf() throws {
        #expect(throws: ProbeConfigurationError.linkLocalNeedsBindIf("SMTP_CHECK", IPAddress("fe80::2")!)) {
            try Fixture.probe(smtp(hosts: [host("fe80::2", 25)]), port: 25)
        }
    }

    @Test func aHostBlockInheritsTheOtherConnectionOptions() throws {
        var check = SMTPCheck()
        check.options.connectTimeout = 2
        check.options.bindTo = IPAddress("127.0.0.2")
        check.options.bindPort = 4025
        check.options.fwmark = 7
        check.options.bindInterface = "lo"
        var own = CheckerOptions()
        own.connectIP = IPAddress("127.0.0.3")
        own.bindPort = 5025
        check.hosts = [CheckerOptions(), own]
        let targets = try #require(try Fixture.probe(.smtp(check), port: 25) as? SMTPProbe).targets
        #expect(
            targets == [
                ProbeTarget(
                    address: IPAddress("127.0.0.1")!, port: 25, bindTo: IPAddress("127.0.0.2"), bindPort: 4025,
                    connectTimeout: .seconds(2), fwmark: 7, bindInterface: "lo"),
                ProbeTarget(
                    address: IPAddress("127.0.0.1")!, port: 25, bindTo: IPAddress("127.0.0.2"), bindPort: 4025,
                    connectTimeout: .seconds(2), fwmark: 7, bindInterface: "lo"),
                ProbeTarget(
                    address: IPAddress("127.0.0.3")!, port: 25, bindTo: IPAddress("127.0.0.2"), bindPort: 5025,
                    connectTimeout: .seconds(2), fwmark: 7, bindInterface: "lo"),
            ])
    }
}
