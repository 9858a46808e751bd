import Glibc

/// Re-runs this test binary as a child process for one entry-point test, with stderr captured:
/// the only way to see what a freshly started daemon process writes to its own fd 2.
struct ChildProcess {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The environment variable that tells the entry-point test it runs as the child.
    static let modeVariable = "KEEPALIVE_SYSTEMD_CHILD"

    let pid: pid_t
    let stderr: String
    let exitStatus: Int32

    /// Runs the test named `entryPoint` in a child with `mode` in ``modeVariable``. When
    /// `journalStreamOfStderr` is set, `JOURNAL_STREAM` names the child's stderr pipe, as
    /// systemd does for `StandardError=journal`.
    static func run(entryPoint: String, mode: String, journalStreamOfStderr: Bool) throws -> ChildProcess {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw Failure(description: "pipe failed") }
        // Only the dup2'd copy on fd 2 may reach the child.
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        defer { close(ends[0]) }

        var environment = [String]()
        var entry = environ
        while let pointer = entry.pointee {
            let assignment = String(cString: pointer)
            if !assignment.hasPrefix("JOURNAL_STREAM=") && !assignment.hasPrefix(modeVariable + "=")
                && !assignment.hasPrefix("NOTIFY_SOCKET=")
            {
                environment.append(assignment)
            }
            entry += 1
        }
        environment.append("\(modeVariable)=\(mode)")
        if journalStreamOfStderr {
            var status = stat()
            fstat(ends[1], &status)
            environment.append("JOURNAL_STREAM=\(status.st_dev):\(status.st_ino)")
        }

        let executable = try selfExecutable()
        let arguments = [executable, "--testing-library", "swift-testing", "--filter", entryPoint]
        var argv = arguments.map { strdup($0) } + [nil]
        var envp = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, ends[1], STDERR_FILENO)

        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, &argv, &envp)
        close(ends[1])
        guard spawned == 0 else { throw Failure(description: "posix_spawn \(executable): \(spawned)") }

        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(ends[0], $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            output += buffer[..<count]
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED/WEXITSTATUS are macros: decode by hand (signalled children report 128+n).
        let exitStatus = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return ChildProcess(pid: pid, stderr: String(decoding: output, as: UTF8.self), exitStatus: exitStatus)
    }

    private static func selfExecutable() throws -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { throw Failure(description: "readlink /proc/self/exe failed") }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
