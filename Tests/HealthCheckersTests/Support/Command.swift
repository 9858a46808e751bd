import ScriptRunner

/// Runs a helper program (openssl, md5sum, ip) through ScriptRunner: posix_spawn and a pidfd,
/// so no SIGCHLD handler is installed in the test process (Foundation's Process installs one,
/// and reads in other threads then fail with EINTR).
func command(_ program: String, _ arguments: [String]) async throws -> String {
    let result = await ScriptProcess.run(
        ScriptInvocation(
            command: ScriptCommand(program: program, arguments: arguments), timeout: .seconds(60), output: .capture))
    guard result.outcome == .exited(0) else {
        throw CommandFailed(
            command: ([program] + arguments).joined(separator: " "), outcome: result.outcome,
            output: result.outputText)
    }
    return result.outputText
}

struct CommandFailed: Error, CustomStringConvertible {
    var command: String
    var outcome: ScriptOutcome
    var output: String
    var description: String { "\(command): \(outcome): \(output)" }
}

/// `command("/bin/sh", ["-c", line])`.
func shell(_ line: String) async throws {
    _ = try await command("/bin/sh", ["-c", line])
}
