import Foundation
import Testing
import VRRP
import VRRPSockets

/// Numbers, not assertions on speed: run with `KEEPALIVE_BENCHMARK=1` to print them.
@Suite(
    "VRRP socket benchmarks",
    .enabled(if: getuid() == 0, "needs root: raw sockets in network namespaces"),
    .enabled(if: ProcessInfo.processInfo.environment["KEEPALIVE_BENCHMARK"] != nil, "set KEEPALIVE_BENCHMARK=1"))
struct SocketBenchmarks {
    @Test("send cost, and one advert's way from send to decoded in the other namespace")
    func sendAndRoundTrip() async throws {
        try await NamespacePair.with { net in
            let sender = try NetworkNamespace.withEntered(net.a) { try VRRPSocket(.init(interface: net.interfaceA)) }
            defer { sender.close() }
            let receiver = try NetworkNamespace.withEntered(net.b) {
                try VRRPSocket(.init(interface: net.interfaceB, receiveQueueLimit: 100_000))
            }
            defer { receiver.close() }
            let advert = VRRPAdvert(
                version: .v3, virtualRouterID: 1, priority: 100, advertInterval: 100, addresses: [net.address(1)])
            let clock = ContinuousClock()

            let sends = 10_000
            let sendTime = try clock.measure {
                for _ in 0..<sends { try sender.send(advert) }
            }
            print("send (encode + sendto), \(sends) adverts: \(sendTime / sends) each")

            // The burst overflows the socket buffer; what got through is counted while the
            // latency pings (VRID 2) are told apart from it.
            var iterator = receiver.adverts().makeAsyncIterator()
            let ping = VRRPAdvert(
                version: .v3, virtualRouterID: 2, priority: 100, advertInterval: 100, addresses: [net.address(2)])
            var burstReceived = 0
            var latencies: [Duration] = []
            for _ in 0..<1_000 {
                let start = clock.now
                try sender.send(ping)
                while let result = await iterator.next() {
                    if try result.get().advert.virtualRouterID == 2 { break }
                    burstReceived += 1
                }
                latencies.append(clock.now - start)
            }
            latencies.sort()
            #expect(latencies.count == 1_000)
            print(
                "send to decoded, 1000 adverts: p50 \(latencies[500]), p99 \(latencies[990]), max \(latencies.last!)",
                "burst of \(sends) received: \(burstReceived), dropped by the stream: \(receiver.droppedDatagrams)")
        }
    }
}
