import Foundation
import HealthCheckers
import KeepalivedConfig
import Testing

/// `fwmark` and `bind_if` against a server in a namespace that only the marked, or only the
/// interface-bound, check can reach.
@Suite struct SocketOptionTests {
    func options(fwmark: UInt32? = nil, bindInterface: String? = nil, timeout: Double = 1) -> CheckerOptions {
        var options = Fixture.options(connectTimeout: timeout)
        options.fwmark = fwmark.map(Int.init)
        options.bindInterface = bindInterface
        return options
    }

    @Test(.enabled(if: getuid() == 0, "needs root: creates a network namespace and an ip rule"))
    func fwmarkRoutesTheCheckByPolicy() async throws {
        try await withPeerNamespace { peer in
            // Only packets marked `peer.mark` get a route the namespace answers.
            let marked = ConnectCheck(options: options(fwmark: peer.mark))
            let tcp = try Fixture.probe(.tcp(marked), address: peer.markedAddress, port: peer.port)
            #expect(await tcp.attempt() == .success(weight: nil))

            let unmarked = try Fixture.probe(
                .tcp(ConnectCheck(options: options())), address: peer.markedAddress, port: peer.port)
            #expect(await unmarked.attempt() == .failure(.timeout))

            let wrongMark = try Fixture.probe(
                .tcp(ConnectCheck(options: options(fwmark: peer.mark + 1))), address: peer.markedAddress,
                port: peer.port)
            #expect(await wrongMark.attempt() == .failure(.timeout))
        }
    }

    @Test(.enabled(if: getuid() == 0, "needs root: creates a network namespace and an ip rule"))
    func fwmarkAppliesToHTTPGet() async throws {
        try await withPeerNamespace { peer in
            var check = httpCheck([url("/")])
            check.options = options(fwmark: peer.mark)
            let probe = try Fixture.probe(.httpGet(check), address: peer.markedAddress, port: peer.port)
            #expect(await probe.attempt() == .success(weight: nil))
        }
    }

    @Test(.enabled(if: getuid() == 0, "needs root: creates a network namespace"))
    func bindIfReachesALinkLocalRealServer() async throws {
        try await withPeerNamespace { peer in
            let tcp = try Fixture.probe(
                .tcp(ConnectCheck(options: options(bindInterface: peer.hostLink))), address: peer.linkLocalPeer,
                port: peer.port)
            #expect(await tcp.attempt() == .success(weight: nil))

            var check = httpCheck([url("/")])
            check.options = options(bindInterface: peer.hostLink)
            let http = try Fixture.probe(.httpGet(check), address: peer.linkLocalPeer, port: peer.port)
            #expect(await http.attempt() == .success(weight: nil))

            // Bound to another interface, the same address is not there.
            let elsewhere = try Fixture.probe(
                .tcp(ConnectCheck(options: options(bindInterface: "lo"))), address: peer.linkLocalPeer,
                port: peer.port)
            #expect(await elsewhere.attempt() != .success(weight: nil))
        }
    }

    @Test func aMissingBindIfInterfaceFailsTheAttempt() async throws {
        let probe = try Fixture.probe(
            .tcp(ConnectCheck(options: options(bindInterface: "kanone0"))), address: "127.0.0.1", port: 9)
        let result = await probe.attempt()
        guard case .failure(.connectionFailed(let reason)) = result else {
            Issue.record("expected a connection failure, got \(result)")
            return
        }
        #expect(reason.hasPrefix("can't bind to device kanone0"))
    }

    @Test func aLinkLocalRealServerNeedsBindIf() throws {
        #expect(throws: ProbeConfigurationError.linkLocalNeedsBindIf("TCP_CHECK", IPAddress("fe80::2")!)) {
            try Fixture.probe(.tcp(ConnectCheck()), address: "fe80::2", port: 80)
        }
    }
}
