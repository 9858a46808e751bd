import Foundation
import Synchronization

/// The outcome of a finished command.
public struct CommandResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// A child process whose output is collected on threads of its own, so waiting never blocks the
/// cooperative pool (the Swift server under test needs it to answer the child). Not GCD: its
/// pool grows only about once a second when workers block in `read`.
public final class ChildProcess: Sendable {
    private let process: Process
    private let output = Mutex(Data())
    private let errors = Mutex(Data())
    private let readers = DispatchGroup()

    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        // systemd's variables stay out unless a test gives them: another test may have set them
        // in this process for a moment, and a daemon that inherited them would write to its socket.
        var inherited = ProcessInfo.processInfo.environment
        for name in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM"] { inherited[name] = nil }
        process.environment = inherited.merging(environment ?? [:]) { $1 }
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        self.process = process
        try process.run()
        collect(stdout.fileHandleForReading) { chunk in self.output.withLock { $0.append(chunk) } }
        collect(stderr.fileHandleForReading) { chunk in self.errors.withLock { $0.append(chunk) } }
    }

    private func collect(_ handle: FileHandle, _ append: @escaping @Sendable (Data) -> Void) {
        readers.enter()
        let thread = Thread { [readers] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                append(chunk)
            }
            readers.leave()
        }
        thread.start()
    }

    public var pid: Int32 { process.processIdentifier }

    /// Output so far.
    public var stdout: String { output.withLock { String(decoding: $0, as: UTF8.self) } }
    public var stderr: String { errors.withLock { String(decoding: $0, as: UTF8.self) } }

    /// Waits (polling, never blocking a thread) until stdout holds `text`; false after `seconds`.
    public func waitForOutput(containing text: String, seconds: Double = 20) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if stdout.contains(text) { return true }
            if !process.isRunning { return stdout.contains(text) }
            try? await Task.sleep(for: .milliseconds(20))
        }
        // Once more: on a loaded machine this task may have slept past the deadline.
        return stdout.contains(text)
    }

    /// Waits for the exit and for all output; after `seconds` (if given) the child is killed, so
    /// a hung child fails its test instead of hanging the run.
    public func wait(seconds: Double? = nil) async -> CommandResult {
        let deadline = seconds.map { Date().addingTimeInterval($0) }
        while process.isRunning {
            if let deadline, Date() > deadline { kill(process.processIdentifier, SIGKILL) }
            try? await Task.sleep(for: .milliseconds(5))
        }
        await withCheckedContinuation { continuation in
            readers.notify(queue: .global()) { continuation.resume() }
        }
        return CommandResult(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    /// Whether the child still runs.
    public var isRunning: Bool { process.isRunning }

    /// Sends a signal (keepalive's daemons unblock and handle HUP, TERM and INT themselves).
    public func signal(_ number: Int32) {
        if process.isRunning { kill(process.processIdentifier, number) }
    }

    /// Waits (polling) until stderr holds `text`; false after `seconds`.
    public func waitForError(containing text: String, seconds: Double = 20) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if stderr.contains(text) { return true }
            if !process.isRunning { return stderr.contains(text) }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return stderr.contains(text)
    }

    /// Stops the child and waits for it. SIGKILL, because children spawned from a dispatch
    /// thread inherit its blocked SIGTERM.
    @discardableResult
    public func terminate() async -> CommandResult {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        return await wait()
    }
}

/// Runs a command to completion.
public func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) async throws
    -> CommandResult
{
    try await ChildProcess(executable, arguments, environment: environment).wait()
}
