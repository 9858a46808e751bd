import Foundation
import Synchronization

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A child process whose output goes to a file, so a long-running daemon never blocks on a
/// full pipe and its log can be read (and shown on failure) at any time.
final class ChildProcess: Sendable {
    private let process: Process
    let logPath: String

    init(_ executable: String, _ arguments: [String], logPath: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        // Another test may set systemd's variables in this process for a moment; a daemon that
        // inherited them would write to that test's socket.
        var environment = ProcessInfo.processInfo.environment
        for name in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM"] { environment[name] = nil }
        process.environment = environment
        self.process = process
        self.logPath = logPath
        try process.run()
        try? log.close()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func signal(_ number: Int32) {
        if process.isRunning { kill(process.processIdentifier, number) }
    }

    /// Waits for the exit without blocking a thread; SIGKILL after `grace` (a hang guard).
    @discardableResult
    func wait(grace: Duration = .seconds(10)) async -> Int32 {
        let clock = ContinuousClock()
        let deadline = clock.now + grace
        while process.isRunning {
            if clock.now > deadline { kill(process.processIdentifier, SIGKILL) }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return process.terminationStatus
    }
}

/// Runs a program to completion and returns its standard output; throws on a non-zero exit.
@discardableResult
func run(_ executable: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        let message = String(decoding: errorData, as: UTF8.self)
        throw TestFailure(
            "\(executable) \(arguments.joined(separator: " ")): exit \(process.terminationStatus): \(message)")
    }
    return String(decoding: outputData, as: UTF8.self)
}

func ip(_ arguments: String...) throws {
    try run("/usr/sbin/ip", arguments)
}

/// Polls `condition` until it holds. `timeout` only guards against a hang (the test fails with
/// `what` and the last error); it is not a speed assertion.
func waitUntil(
    _ what: String, timeout: Duration = .seconds(20), _ condition: () throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    var lastError: (any Error)?
    while clock.now < deadline {
        do {
            if try condition() { return }
            lastError = nil
        } catch {
            lastError = error
        }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw TestFailure("never happened: \(what)" + (lastError.map { " (last error: \($0))" } ?? ""))
}

/// A fresh directory under /tmp for one test's files, removed by the caller.
func makeTemporaryDirectory(_ prefix: String) throws -> String {
    var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw TestFailure("mkdtemp failed") }
    let path = String(cString: made)
    chmod(path, 0o755)
    return path
}
