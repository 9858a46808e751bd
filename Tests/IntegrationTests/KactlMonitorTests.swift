import DBus
import Foundation
import KeepaliveTestSupport
import Testing

/// `kactl monitor` follows real daemons: a reload and a daemon stopping each give a line.
@Suite(.enabled(if: getuid() == 0, "needs root: the daemons run in a network namespace"))
struct KactlMonitorTests {
    /// Starts `kactl monitor` and waits until it has subscribed (it says so on stderr).
    func startMonitor(_ lab: KactlLab, _ extra: [String] = []) async throws -> ChildProcess {
        let monitor = try ChildProcess(
            try Repository.binary("kactl"), ["monitor", "--bus-address", lab.bus.address] + extra,
            environment: ["NO_COLOR": "1"])
        guard await monitor.waitForError(containing: "Ctrl-C to stop") else {
            await monitor.terminate()
            throw HarnessError("kactl monitor did not start: \(monitor.stderr)")
        }
        return monitor
    }

    @Test func printsReloadsAndDaemonsGoingDownThenStopsCleanlyOnSIGINT() async throws {
        try await KactlLab.with { lab in
            let monitor = try await startMonitor(lab)
            let reload = try await lab.kactl(["reload", "vrrpd"])
            #expect(reload.status == 0)
            #expect(await monitor.waitForOutput(containing: "vrrpd /org/keepalive/Vrrp1 ConfigLoadedAt="))

            let checkd = try #require(lab.daemons["checkd"])
            checkd.process.signal(SIGKILL)
            #expect(await monitor.waitForOutput(containing: "checkd down"))

            monitor.signal(SIGINT)
            let result = await monitor.wait(seconds: 20)
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n")
            let line = try #require(lines.first { $0.contains("ConfigLoadedAt=") })
            // 2026-11-22T21:10:00.123 vrrpd ...: a local timestamp with milliseconds first.
            let stamp = try #require(line.split(separator: " ").first)
            #expect(stamp.count == 23 && stamp.dropFirst(10).first == "T")
        }
    }

    @Test func jsonGivesOneObjectPerLine() async throws {
        try await KactlLab.with { lab in
            let monitor = try await startMonitor(lab, ["--json"])
            #expect(try await lab.kactl(["reload", "checkd"]).status == 0)
            #expect(await monitor.waitForOutput(containing: "\"ConfigLoadedAt\""))
            lab.daemons["vrrpd"]?.process.signal(SIGKILL)
            #expect(await monitor.waitForOutput(containing: "DaemonDown"))
            monitor.signal(SIGTERM)
            let result = await monitor.wait(seconds: 20)
            #expect(result.status == 0)

            let events = try result.stdout.split(separator: "\n").map { line in
                try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            }
            let change = try #require(events.first { $0["event"] as? String == "PropertiesChanged" })
            #expect(change["daemon"] as? String == "checkd")
            #expect(change["path"] as? String == "/org/keepalive/Check1")
            #expect((change["changed"] as? [String: Any])?["ConfigLoadedAt"] is UInt64)
            let down = try #require(events.first { $0["event"] as? String == "DaemonDown" })
            #expect(down["daemon"] as? String == "vrrpd")
        }
    }
}
