import Foundation
import KeepaliveTestSupport
import Testing

/// SIGHUP and `Reload()`: unchanged checks keep their state and do not even run again, changed
/// ones restart, deleted ones leave the bus, new ones appear.
@Suite(.enabled(if: getuid() == 0, "needs root: runs checkd's scripts as root"))
struct ReloadIntegrationTests {
    /// A config whose checks count their runs in files; long intervals, so each runs once
    /// unless it restarts.
    func config(_ files: TestFiles, keptWeight: Int, changedWeight: Int, extra: String) throws -> String {
        let counter = try files.script("count.sh", "echo run >> \(files.path("runs"))-$1")
        return """
            vrrp_script kept {
                script "\(counter) kept"
                interval 300
                weight \(keptWeight)
            }
            vrrp_script changed {
                script "\(counter) changed"
                interval 300
                weight \(changedWeight)
            }
            virtual_server 192.0.2.10 80 {
                delay_loop 300
                protocol TCP
                real_server 127.0.0.4 80 {
                    MISC_CHECK {
                        misc_path "\(counter) server"
                        warmup 0
                    }
                }
            \(extra)
            }
            """
    }

    @Test func unchangedChecksKeepTheirStateAndChangedOnesRestart() async throws {
        try await TestFiles.with { files in
            let gone = "    real_server 127.0.0.5 80 {\n    }\n"
            let first = try config(files, keptWeight: -10, changedWeight: -10, extra: gone)
            try await withPrivateBus { bus in
                try await CheckdProcess.with(config: first, in: files.directory, bus: bus) { checkd in
                    for name in ["kept", "changed"] {
                        try await checkd.waitFor(#"s "OK""#, name) { try await checkd.scriptProperty(name, "Status") }
                    }
                    try await checkd.waitFor("1", "server runs") { "\(files.lines("runs-server"))" }
                    let lastRun = try await checkd.scriptProperty("kept", "LastRun")
                    let vs = "[192.0.2.10]:80"
                    #expect(try await checkd.managedPaths().contains(CheckdProcess.realServerPath(vs, "[127.0.0.5]:80")))

                    let added = "    real_server 127.0.0.6 80 {\n    }\n"
                    try config(files, keptWeight: -10, changedWeight: -30, extra: added)
                        .write(toFile: checkd.configPath, atomically: true, encoding: .utf8)
                    checkd.process.signal(SIGHUP)
                    try await checkd.waitForLog("Configuration reloaded")

                    // The changed script restarted (a second run); the others did not run again.
                    try await checkd.waitFor("2", "changed runs") { "\(files.lines("runs-changed"))" }
                    try await checkd.waitFor("i -30", "changed weight") {
                        try await checkd.scriptProperty("changed", "Weight")
                    }
                    #expect(files.lines("runs-kept") == 1)
                    #expect(files.lines("runs-server") == 1)
                    #expect(try await checkd.scriptProperty("kept", "Status") == #"s "OK""#)
                    #expect(try await checkd.scriptProperty("kept", "LastRun") == lastRun)
                    #expect(try await checkd.serverProperty(vs, "[127.0.0.4]:80", "Healthy") == "b true")

                    let paths = try await checkd.managedPaths()
                    #expect(!paths.contains(CheckdProcess.realServerPath(vs, "[127.0.0.5]:80")))
                    #expect(paths.contains(CheckdProcess.realServerPath(vs, "[127.0.0.6]:80")))

                    // Reload() on the root object does the same; a broken file is refused and nothing changes.
                    try "vrrp_script {".write(toFile: checkd.configPath, atomically: true, encoding: .utf8)
                    let refused = try await checkd.busctl([
                        "call", CheckdProcess.busName, CheckdProcess.root, CheckdProcess.busName, "Reload",
                    ])
                    #expect(refused.status != 0)
                    #expect(checkd.process.isRunning)
                    #expect(try await checkd.managedPaths() == paths)
                }
            }
        }
    }
}
