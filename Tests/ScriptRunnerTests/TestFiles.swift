import Foundation

/// A directory under /tmp for one test, removed when the test is done.
final class TemporaryDirectory {
    let path: String

    init(mode: Int = 0o700) throws {
        var template = Array("/tmp/scriptrunner-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        path = String(cString: made)
        chmod(path, mode_t(mode))
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes an executable script (or any file) and sets its mode.
    @discardableResult
    func write(_ name: String, _ text: String, mode: Int = 0o755) throws -> String {
        let file = "\(path)/\(name)"
        try text.write(toFile: file, atomically: false, encoding: .utf8)
        chmod(file, mode_t(mode))
        return file
    }

    func read(_ name: String) throws -> String {
        try String(contentsOfFile: "\(path)/\(name)", encoding: .utf8)
    }
}

/// A process that no longer runs: gone (ESRCH), or a zombie that belongs to someone else
/// (this machine's pid 1 does not reap orphans, and a zombie still answers `kill(pid, 0)`).
func hasEnded(_ pid: Int32) -> Bool {
    if kill(pid, 0) != 0 && errno == ESRCH { return true }
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
    let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
    return fields.first == "Z" && fields.dropFirst().first.flatMap { Int32($0) } != getpid()
}

/// Waits until `pid` has ended; a bound on how long a killed process may take, not a speed test.
func waitUntilEnded(_ pid: Int32, upTo seconds: Int = 10) async throws -> Bool {
    for _ in 0..<(seconds * 50) {
        if hasEnded(pid) { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return hasEnded(pid)
}

/// A zombie whose parent is this test process: a child nobody reaped.
func isOurZombie(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
    let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
    return fields.first == "Z" && fields.dropFirst().first.flatMap { Int32($0) } == getpid()
}

/// One field of /proc/PID/status, e.g. SigBlk.
func procStatus(_ pid: Int32, _ field: String) -> String? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        return line.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces)
    }
    return nil
}
