import KeepalivedConfig
import NIOCore

/// `TCP_CHECK`: the server passes when a TCP connect completes within connect_timeout. The
/// connect runs on `ConnectPoller` (a raw nonblocking socket, closed with a reset), which is what
/// lets one process check 10,000 servers a second.
public struct TCPProbe: RepeatingProbe {
    public let target: ProbeTarget
    /// The addresses, resolved once; a target NIO cannot express fails every attempt.
    private let endpoints: Result<Endpoints, ProbeFailure>

    private struct Endpoints: Sendable {
        var remote: SocketAddress
        var local: SocketAddress?
    }

    public init(target: ProbeTarget) {
        self.target = target
        endpoints = Result(catching: { try Endpoints(remote: target.remoteAddress(), local: target.localAddress()) })
            .mapError { ProbeFailure.from($0) }
    }

    public var keyword: String { "TCP_CHECK" }

    public func attempt() async -> ProbeResult {
        await withUnsafeContinuation { continuation in
            start { continuation.resume(returning: $0) }
        }
    }

    public func repeatAttempts(
        from first: ContinuousClock.Instant, next: @escaping @Sendable (ProbeResult) -> ContinuousClock.Instant?
    ) -> ProbeRounds {
        let rounds = ProbeRounds(poller: .shared, attempt: { start($0) }, next: next)
        rounds.schedule(at: first)
        return rounds
    }

    private func start(_ completion: @escaping @Sendable (ProbeResult) -> Void) {
        switch endpoints {
        case .failure(let failure):
            completion(.failure(failure))
        case .success(let endpoints):
            let socketOptions = target.socketOptions
            var options: [(name: Int32, value: Int32)] = []
            if !socketOptions.isEmpty {
                do {
                    options = try socketOptions.socketLevelOptions()
                } catch {
                    return completion(.failure(error))
                }
            }
            ConnectPoller.shared.connect(
                to: endpoints.remote, from: endpoints.local, socketOptions: options, timeout: target.connectTimeout
            ) { code in
                completion(code == 0 ? .success(weight: nil) : .failure(.from(errno: code)))
            }
        }
    }
}
