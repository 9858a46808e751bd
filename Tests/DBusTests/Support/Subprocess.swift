import Foundation
import Synchronization

/// The outcome of a finished command.
struct CommandResult: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// A child process whose output is collected on threads of its own, so waiting never blocks the
/// cooperative pool (the Swift server under test needs it to answer the child). Not GCD: its
/// pool grows only about once a second when workers block in `read`.
final class ChildProcess: Sendable {
    private let process: Process
    private let output = Mutex(Data())
    private let errors = Mutex(Data())
    private let readers = DispatchGroup()

    init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
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

    var pid: Int32 { process.processIdentifier }

    /// Output so far.
    var stdout: String { output.withLock { String(decoding: $0, as: UTF8.self) } }
    var stderr: String { errors.withLock { String(decoding: $0, as: UTF8.self) } }

    /// Waits (polling, never blocking a thread) until stdout holds `text`; false after `seconds`.
    func waitForOutput(containing text: String, seconds: Double = 20) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if stdout.contains(text) { return true }
            if !process.isRunning { return stdout.contains(text) }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Waits for the exit and for all output.
    func wait() async -> CommandResult {
        while process.isRunning { try? await Task.sleep(for: .milliseconds(5)) }
        await withCheckedContinuation { continuation in
            readers.notify(queue: .global()) { continuation.resume() }
        }
        return CommandResult(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    /// Stops the child and waits for it. SIGKILL, because children spawned from a dispatch
    /// thread inherit its blocked SIGTERM.
    @discardableResult
    func terminate() async -> CommandResult {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        return await wait()
    }
}

/// Runs a command to completion.
func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) async throws
    -> CommandResult
{
    try await ChildProcess(executable, arguments, environment: environment).wait()
}
