import KeepalivedConfig
import NIOCore
import Synchronization

/// `TCP_CHECK`: the server passes when a TCP connect completes within connect_timeout. The
/// connect runs on `ConnectPoller` (a raw nonblocking socket, closed with a reset), which is what
/// lets one process check 10,000 servers a second.
public struct TCPProbe: ScheduledProbe {
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

    public func attempt(at deadline: ContinuousClock.Instant) async throws(CancellationError) -> ProbeResult {
        let poller = ConnectPoller.shared
        let waiter = ScheduledStart()
        let result = await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<ProbeResult?, Never>) in
                let timer = poller.schedule(at: deadline) {
                    start { continuation.resume(returning: $0) }
                }
                waiter.wait(continuation, timer: timer, on: poller)
            }
        } onCancel: {
            waiter.cancel(on: poller)
        }
        guard let result else { throw CancellationError() }
        return result
    }

    private func start(_ completion: @escaping @Sendable (ProbeResult) -> Void) {
        switch endpoints {
        case .failure(let failure):
            completion(.failure(failure))
        case .success(let endpoints):
            let options: [(name: Int32, value: Int32)]
            do {
                options = try target.socketOptions.socketLevelOptions()
            } catch {
                return completion(.failure(error))
            }
            ConnectPoller.shared.connect(
                to: endpoints.remote, from: endpoints.local, socketOptions: options, timeout: target.connectTimeout
            ) { code in
                completion(code == 0 ? .success(weight: nil) : .failure(.from(errno: code)))
            }
        }
    }
}

/// A start on the poller's timer that the waiting task can still call off: whichever of the
/// timer and the cancellation comes first decides who resumes the task.
private final class ScheduledStart: Sendable {
    private enum Phase {
        case starting
        case waiting(UnsafeContinuation<ProbeResult?, Never>, timer: UInt64)
        case cancelled
    }

    private let phase = Mutex(Phase.starting)

    func wait(_ continuation: UnsafeContinuation<ProbeResult?, Never>, timer: UInt64, on poller: ConnectPoller) {
        let cancelled = phase.withLock { phase in
            if case .cancelled = phase { return true }
            phase = .waiting(continuation, timer: timer)
            return false
        }
        if cancelled, poller.cancel(timer) { continuation.resume(returning: nil) }
    }

    private typealias Waiting = (continuation: UnsafeContinuation<ProbeResult?, Never>, timer: UInt64)

    func cancel(on poller: ConnectPoller) {
        let waiting = phase.withLock { phase -> Waiting? in
            defer { phase = .cancelled }
            if case .waiting(let continuation, let timer) = phase { return (continuation, timer) }
            return nil
        }
        // A timer that already fired has started the connect, whose end resumes the task.
        if let waiting, poller.cancel(waiting.timer) { waiting.continuation.resume(returning: nil) }
    }
}
