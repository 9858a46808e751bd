import DBus
import Foundation
import KeepaliveTestSupport
import KeepalivedConfig
import Testing

/// kactl's bus commands against real vrrpd and checkd on a private bus, run as a user runs them.
@Suite(.enabled(if: getuid() == 0, "needs root: the daemons run in a network namespace"))
struct KactlBusTests {
    @Test func statusShowsBothDaemonsUpAndIpvsdDown() async throws {
        try await KactlLab.with { lab in
            let status = try await lab.kactl(["status"])
            #expect(status.status == 0, "\(status.stderr)")
            let lines = status.stdout.split(separator: "\n").map(String.init)
            let vrrpd = try #require(lines.first { $0.hasPrefix("● vrrpd") })
            #expect(vrrpd.contains("running") && vrrpd.contains("version \(KeepaliveVersion.current)"))
            #expect(lines.contains { $0.hasPrefix("● checkd") && $0.contains("org.keepalive.Check1") })
            #expect(lines.contains { $0.hasPrefix("○ ipvsd") && $0.contains("not running") })
            #expect(lines.filter { $0.contains("config \(lab.config), loaded ") }.count == 2)
            #expect(status.stdout.contains("Virtual servers (IPVS): none, ipvsd not running"))
            #expect(!status.stdout.contains("\u{1B}["), "no colours when stdout is not a terminal")
        }
    }

    @Test func statusJSONIsAStableDocumentWithEachDaemonsFields() async throws {
        try await KactlLab.with { lab in
            let status = try await lab.kactl(["status", "--json"])
            #expect(status.status == 0, "\(status.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
            let daemons = try #require(json["daemons"] as? [String: [String: Any]])
            let vrrpd = try #require(daemons["vrrpd"])
            #expect(vrrpd["running"] as? Bool == true)
            #expect(vrrpd["busName"] as? String == "org.keepalive.Vrrp1")
            #expect(vrrpd["version"] as? String == KeepaliveVersion.current)
            #expect(vrrpd["configFile"] as? String == lab.config)
            #expect((vrrpd["owner"] as? String)?.hasPrefix(":") == true)
            let loadedAt = try #require(vrrpd["configLoadedAt"] as? UInt64)
            #expect(loadedAt == (try await lab.configLoadedAt("vrrpd")))
            #expect(daemons["checkd"]?["running"] as? Bool == true)
            #expect(daemons["ipvsd"]?["running"] as? Bool == false)
            for key in ["instances", "syncGroups", "scripts", "realServers", "services", "otherObjects"] {
                #expect(json[key] is [Any], "\(key) is a list")
            }
            // Sorted keys: the same state always prints the same text. The instance may still be
            // moving (BACKUP to MASTER) between two snapshots, so look for two in a row that agree;
            // with unordered keys each kactl process would print its own order and none would.
            var previous = status.stdout
            var agreed = false
            for _ in 0..<50 where !agreed {
                let again = try await lab.kactl(["status", "--json"])
                agreed = again.stdout == previous
                previous = again.stdout
                if !agreed { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(agreed, "two successive snapshots never printed the same text")
        }
    }

    @Test func reloadReloadsEveryRunningDaemon() async throws {
        try await KactlLab.with { lab in
            let before = try #require(try await lab.configLoadedAt("vrrpd"))
            let reload = try await lab.kactl(["reload"])
            #expect(reload.status == 0, "\(reload.stderr)")
            #expect(reload.stdout.contains("vrrpd: OK"))
            #expect(reload.stdout.contains("checkd: OK"))
            #expect(!reload.stdout.contains("ipvsd"))
            #expect(try #require(try await lab.configLoadedAt("vrrpd")) > before)

            let one = try await lab.kactl(["reload", "checkd"])
            #expect(one.status == 0)
            #expect(one.stdout.contains("checkd: OK") && !one.stdout.contains("vrrpd"))
        }
    }

    @Test func reloadOfABrokenFileFailsWithTheErrorsAndKeepsTheRunningConfiguration() async throws {
        try await KactlLab.with { lab in
            let before = try await lab.configLoadedAt("vrrpd")
            try lab.writeConfiguration(sampleConfig.replacingOccurrences(of: "priority 100", with: "priority 300"))
            let reload = try await lab.kactl(["reload", "vrrpd"])
            #expect(reload.status == 1)
            #expect(reload.stderr.contains("vrrpd: configuration refused"))
            #expect(reload.stderr.contains("\(lab.config):12:"))
            #expect(reload.stdout.isEmpty)
            #expect(try await lab.configLoadedAt("vrrpd") == before)
        }
    }

    @Test func aDaemonThatIsNotRunningExits3() async throws {
        try await KactlLab.with { lab in
            let reload = try await lab.kactl(["reload", "ipvsd"])
            #expect(reload.status == 3)
            #expect(reload.stderr.contains("ipvsd is not running"))
        }
    }

    @Test func controlCommandsNameAMissingObjectClearly() async throws {
        try await KactlLab.with { lab in
            let priority = try await lab.kactl(["set-priority", "VI_9", "120"])
            #expect(priority.status == 1)
            #expect(priority.stderr.contains("no VRRP instance named VI_9; known: "))
            for command in ["reset-priority", "switchover"] {
                let result = try await lab.kactl([command, "VI_9"])
                #expect(result.status == 1)
                #expect(result.stderr.contains("no VRRP instance named VI_9"))
            }
            let drain = try await lab.kactl(["drain", "192.0.2.10:80", "192.0.2.99:80"])
            #expect(drain.status == 1)
            #expect(drain.stderr.contains("no real server named 192.0.2.10:80 192.0.2.99:80; known: "))
        }
    }
}

/// What kactl does with no daemon at all, and with bad usage: no root needed.
struct KactlExitCodeTests {
    @Test func noDaemonRunningExits3AndUsageErrorsExit2() async throws {
        try await withPrivateBus { bus in
            let status = try await runKactl(["status", "--bus-address", bus.address])
            #expect(status.status == 3)
            #expect(status.stdout.contains("○ vrrpd"))
            #expect(status.stderr.contains("vrrpd is not running"))

            // --bus-address before the subcommand works the same.
            let leading = try await runKactl(["--bus-address", bus.address, "status"])
            #expect(leading.status == 3)
            #expect(leading.stdout == status.stdout)

            let switchover = try await runKactl(["switchover", "VI_1", "--bus-address", bus.address])
            #expect(switchover.status == 3)
            #expect(switchover.stderr.contains("vrrpd is not running (nobody owns org.keepalive.Vrrp1)"))
        }
        let zero = try await runKactl(["set-priority", "VI_1", "0"])
        #expect(zero.status == 2)
        #expect(zero.stderr.contains("priority must be 1 to 254"))
        let unknown = try await runKactl(["reload", "keepalived"])
        #expect(unknown.status == 2)
    }

    @Test func anUnreachableBusIsAFailure() async throws {
        let status = try await runKactl(["status", "--bus-address", "unix:path=/nonexistent/bus"])
        #expect(status.status == 1)
        #expect(status.stderr.contains("cannot connect to the D-Bus bus"))
    }
}

/// Colours for a person at a terminal only: `script` gives kactl a pseudo-terminal.
struct KactlColourTests {
    func statusOnATerminal(_ bus: PrivateBus, noColor: Bool) async throws -> String {
        // `env` sets NO_COLOR exactly as asked, whatever the test runner's environment holds.
        let environment = noColor ? "env NO_COLOR=1" : "env -u NO_COLOR"
        let command = "\(environment) \(try Repository.binary("kactl")) status --bus-address '\(bus.address)'"
        return try await ChildProcess("/usr/bin/script", ["-qec", command, "/dev/null"]).wait(seconds: 60).stdout
    }

    @Test func statusIsColouredOnATerminalUnlessNoColorIsSet() async throws {
        try await withPrivateBus { bus in
            let coloured = try await statusOnATerminal(bus, noColor: false)
            #expect(coloured.contains("\u{1B}[31mnot running\u{1B}[0m"))
            let uncoloured = try await statusOnATerminal(bus, noColor: true)
            #expect(uncoloured.contains("not running"))
            #expect(!uncoloured.contains("\u{1B}["))
        }
    }
}
