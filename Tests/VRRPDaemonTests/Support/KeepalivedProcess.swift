import Foundation

/// Debian's keepalived in the foreground in a test namespace (`keepalived -n -l -D -P`), with
/// its configuration, pid files and log in a private temporary directory.
final class KeepalivedProcess: Sendable {
    static let executable = "/usr/sbin/keepalived"
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: executable) }

    let directory: String
    let process: ChildProcess

    init(namespace: String, configuration: String) throws {
        directory = try makeTemporaryDirectory("kavd-keepalived")
        let configPath = directory + "/keepalived.conf"
        do {
            try configuration.write(toFile: configPath, atomically: true, encoding: .utf8)
            process = try ChildProcess(
                "/usr/sbin/ip",
                [
                    "netns", "exec", namespace, Self.executable, "-n", "-l", "-D", "-P", "-f", configPath,
                    "-p", directory + "/keepalived.pid", "-r", directory + "/vrrp.pid",
                ], logPath: directory + "/keepalived.log")
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    var log: String { process.log }

    /// The VRRP child's pid, from the `-r` pid file.
    var vrrpChild: Int32? {
        guard let text = try? String(contentsOfFile: directory + "/vrrp.pid", encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// SIGTERM, then SIGKILL to parent and VRRP child if it hangs; removes the directory.
    func stop() async {
        process.signal(SIGTERM)
        await process.wait(grace: .seconds(10))
        if let child = vrrpChild { kill(child, SIGKILL) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A crash: SIGKILL to the VRRP child first (so no priority 0 advert leaves), then the parent.
    func crash() async {
        if let child = vrrpChild { kill(child, SIGKILL) }
        process.signal(SIGKILL)
        await process.wait()
    }

    static func with<Result>(
        namespace: String, configuration: String, _ body: (KeepalivedProcess) async throws -> Result
    ) async throws -> Result {
        let keepalived = try KeepalivedProcess(namespace: namespace, configuration: configuration)
        do {
            let result = try await body(keepalived)
            await keepalived.stop()
            return result
        } catch {
            let log = keepalived.log
            await keepalived.stop()
            throw TestFailure("\(error)\n--- keepalived in \(namespace) ---\n\(log)")
        }
    }
}
