import Glibc

/// Re-runs this test binary as a child process for one entry-point test, with its stderr on a
/// pipe: the only way to see what a freshly started daemon process writes to its own fd 2, or
/// to signal a process without risking the test runner.
final class ChildProcess {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The environment variable that tells the entry-point test it runs as the child.
    static let modeVariable = "KEEPALIVE_SYSTEMD_CHILD"

    let pid: pid_t
    private var output: Int32
    private var unread: [UInt8] = []
    /// Everything read from the child's stderr so far.
    private(set) var stderr = ""

    /// Starts the test named `entryPoint` in a child with `mode` in ``modeVariable``. When
    /// `journalStreamOfStderr` is set, `JOURNAL_STREAM` names the child's stderr pipe, as
    /// systemd does for `StandardError=journal`.
    init(entryPoint: String, mode: String, journalStreamOfStderr: Bool = false) throws {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw Failure(description: "pipe failed") }
        // Only the dup2'd copy on fd 2 may reach the child.
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        defer { close(ends[1]) }

        var environment = [String]()
        var entry = environ
        while let pointer = entry.pointee {
            let assignment = String(cString: pointer)
            let inherited = ["JOURNAL_STREAM=", "NOTIFY_SOCKET=", "WATCHDOG_", Self.modeVariable + "="]
            if !inherited.contains(where: { assignment.hasPrefix($0) }) {
                environment.append(assignment)
            }
            entry += 1
        }
        environment.append("\(Self.modeVariable)=\(mode)")
        if journalStreamOfStderr {
            var status = stat()
            fstat(ends[1], &status)
            environment.append("JOURNAL_STREAM=\(status.st_dev):\(status.st_ino)")
        }

        let executable = try Self.selfExecutable()
        let arguments = [executable, "--testing-library", "swift-testing", "--filter", entryPoint]
        var argv = arguments.map { strdup($0) } + [nil]
        var envp = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, ends[1], STDERR_FILENO)

        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, &argv, &envp)
        guard spawned == 0 else {
            close(ends[0])
            throw Failure(description: "posix_spawn \(executable): \(spawned)")
        }
        self.pid = pid
        self.output = ends[0]
    }

    deinit {
        if output >= 0 {
            kill(pid, SIGKILL)
            _ = finish()
        }
    }

    /// Starts the child, waits for it and returns its whole stderr and exit status.
    static func run(
        entryPoint: String, mode: String, journalStreamOfStderr: Bool = false
    ) throws -> (pid: pid_t, stderr: String, exitStatus: Int32) {
        let child = try ChildProcess(entryPoint: entryPoint, mode: mode, journalStreamOfStderr: journalStreamOfStderr)
        let exitStatus = child.finish()
        return (child.pid, child.stderr, exitStatus)
    }

    /// Reads stderr up to the first line containing `text`; `nil` if the child closed it first.
    func line(containing text: String) -> String? {
        while true {
            while let newline = unread.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: unread[..<newline], as: UTF8.self)
                unread.removeSubrange(...newline)
                if line.contains(text) { return line }
            }
            guard readMore() else { return nil }
        }
    }

    /// Reads stderr to its end, reaps the child and returns its exit status (128 + n when
    /// killed by signal n).
    @discardableResult
    func finish() -> Int32 {
        while readMore() {}
        close(output)
        output = -1
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED/WEXITSTATUS are macros Swift cannot import: decode by hand.
        return status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    private func readMore() -> Bool {
        guard output >= 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            unread += buffer[..<count]
            stderr += String(decoding: buffer[..<count], as: UTF8.self)
            return true
        }
    }

    private static func selfExecutable() throws -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { throw Failure(description: "readlink /proc/self/exe failed") }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
