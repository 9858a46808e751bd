import CProcess
import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// A running script. Started with posix_spawn in its own process group, with a clean signal
/// mask and default signal dispositions, stdin from /dev/null and a minimal environment.
/// Its exit is watched through a pidfd on a private dispatch queue, so no thread (and no task
/// of the cooperative pool) ever blocks in waitpid; the child is always reaped.
public final class ScriptProcess: @unchecked Sendable {
    // @unchecked: every mutable field below is touched only on `queue` (a serial queue).

    /// The script's pid, which is also its process group id.
    public let pid: Int32
    private let queue: DispatchQueue
    private let started: ContinuousClock.Instant
    private let outputLimit: Int

    private var exitSource: DispatchSourceRead?
    private var pollTimer: DispatchSourceTimer?
    private var timeoutTimer: DispatchSourceTimer?
    private var outputSource: DispatchSourceRead?
    private var outputFD: Int32 = -1
    private var output: [UInt8] = []
    private var truncated = false
    private var killReason: ScriptOutcome?
    private var result: ScriptResult?
    private var waiters: [CheckedContinuation<ScriptResult, Never>] = []

    /// Runs `invocation` to the end. Never throws: a spawn failure is an outcome, and cancelling
    /// the calling task kills the script's process group.
    public static func run(_ invocation: ScriptInvocation) async -> ScriptResult {
        let start = ContinuousClock.now
        do {
            let process = try spawn(invocation)
            return await process.waitForExit()
        } catch {
            return ScriptResult(
                outcome: .spawnFailed(errno: error.errno, message: error.message), duration: .now - start)
        }
    }

    /// Starts `invocation` and returns at once; the timeout (if any) starts now.
    public static func spawn(_ invocation: ScriptInvocation) throws(ScriptSpawnError) -> ScriptProcess {
        let spawned = try Spawner.spawn(invocation)
        let limit: Int
        if case .capture(let bytes) = invocation.output { limit = max(0, bytes) } else { limit = 0 }
        let process = ScriptProcess(pid: spawned.pid, outputFD: spawned.outputFD, outputLimit: limit)
        process.queue.sync { process.startWatching(timeout: invocation.timeout) }
        return process
    }

    private init(pid: Int32, outputFD: Int32, outputLimit: Int) {
        self.pid = pid
        self.queue = DispatchQueue(label: "keepalive.script.\(pid)")
        self.started = .now
        self.outputFD = outputFD
        self.outputLimit = outputLimit
    }

    /// Waits (suspending, not blocking) until the script has exited and been reaped.
    public func waitForExit() async -> ScriptResult {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                queue.async {
                    if let result = self.result {
                        continuation.resume(returning: result)
                    } else {
                        self.waiters.append(continuation)
                    }
                }
            }
        } onCancel: {
            self.terminate(reason: .cancelled)
        }
    }

    /// Sends SIGKILL to the whole process group now; the result reports `.cancelled`.
    public func kill() {
        terminate(reason: .cancelled)
    }

    private func terminate(reason: ScriptOutcome) {
        queue.async {
            // Only while the leader is unreaped: its zombie keeps the group id from being reused.
            guard self.result == nil, self.killReason == nil else { return }
            self.killReason = reason
            _ = Glibc.kill(-self.pid, SIGKILL)
        }
    }

    // MARK: - On `queue`
    // The handlers hold `self` strongly on purpose: a process keeps itself alive until it is
    // reaped, even when the caller drops it, and the cycle ends when the sources are cancelled.

    private func startWatching(timeout: Duration?) {
        if outputFD >= 0 {
            let fd = outputFD
            let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
            source.setEventHandler { self.readOutput() }
            source.setCancelHandler { close(fd) }
            outputSource = source
            source.resume()
        }
        let pidfd = cprocess_pidfd_open(pid)
        if pidfd >= 0 {
            let source = DispatchSource.makeReadSource(fileDescriptor: pidfd, queue: queue)
            source.setEventHandler { self.reapIfExited() }
            source.setCancelHandler { close(pidfd) }
            exitSource = source
            source.resume()
        } else {
            // Kernels before 5.3 have no pidfd: poll with WNOHANG instead (still never blocking).
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now(), repeating: .milliseconds(20))
            timer.setEventHandler { self.reapIfExited() }
            pollTimer = timer
            timer.resume()
        }
        if let timeout {
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now() + .nanoseconds(Self.nanoseconds(timeout)))
            timer.setEventHandler { [unowned self] in
                guard self.result == nil, self.killReason == nil else { return }
                self.killReason = .timedOut
                _ = Glibc.kill(-self.pid, SIGKILL)
            }
            timeoutTimer = timer
            timer.resume()
        }
    }

    private func readOutput() {
        guard outputFD >= 0 else { return }
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(outputFD, $0.baseAddress, $0.count) }
            if count > 0 {
                let room = max(0, outputLimit - output.count)
                if count > room { truncated = true }
                output.append(contentsOf: chunk[0..<min(count, room)])
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                // 0: every writer closed it; EAGAIN: nothing more for now.
                if count == 0 { closeOutput() }
                return
            }
        }
    }

    private func closeOutput() {
        outputSource?.cancel()
        outputSource = nil
        outputFD = -1
    }

    private func reapIfExited() {
        guard result == nil else { return }
        var status: Int32 = 0
        let reaped = waitpid(pid, &status, WNOHANG)
        if reaped == 0 || (reaped < 0 && errno == EINTR) { return }
        let outcome: ScriptOutcome
        if reaped < 0 {
            let code = errno
            outcome = .spawnFailed(
                errno: code,
                message: "exit status lost, the child was reaped elsewhere: \(ScriptRefusal.errnoText(code))")
        } else if let reason = killReason {
            outcome = reason
        } else if status & 0x7f == 0 {
            outcome = .exited((status >> 8) & 0xff)
        } else {
            outcome = .signalled(status & 0x7f)
        }
        // What the script wrote before exiting is in the pipe; a grandchild that keeps the pipe
        // open does not hold the result back.
        readOutput()
        closeOutput()
        exitSource?.cancel()
        pollTimer?.cancel()
        timeoutTimer?.cancel()
        exitSource = nil
        pollTimer = nil
        timeoutTimer = nil
        let finished = ScriptResult(
            outcome: outcome, duration: .now - started, output: output, outputTruncated: truncated)
        result = finished
        let waiting = waiters
        waiters = []
        for waiter in waiting { waiter.resume(returning: finished) }
    }

    private static func nanoseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        let clamped = min(seconds, Int64(Int.max / 1_000_000_000) - 1)
        return Int(clamped) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
    }
}

/// A program that could not be started: the errno from posix_spawn (or from setting it up).
public struct ScriptSpawnError: Error, Hashable, Sendable, CustomStringConvertible {
    public var errno: Int32
    public var message: String

    public init(errno: Int32, message: String) {
        self.errno = errno
        self.message = message
    }

    public var description: String { "\(message) (errno \(errno))" }
}
