import Foundation
import KeepaliveTestSupport
import Testing

/// vrrp_script runs of a real checkd on a private bus, read back with busctl.
@Suite(.enabled(if: getuid() == 0, "needs root: runs scripts as other users"))
struct ScriptIntegrationTests {
    @Test func statusFollowsRiseAndFallAndEveryPropertyIsPublished() async throws {
        try await TestFiles.with { files in
            let script = try files.script("chk.sh", "[ -e \(files.path("ok")) ]")
            files.touch("ok")
            let config = """
                vrrp_script chk {
                    script "\(script)"
                    interval 1
                    rise 2
                    fall 2
                    weight 20 reverse
                }
                """
            try await withPrivateBus { bus in
                try await CheckdProcess.with(config: config, in: files.directory, bus: bus) { checkd in
                    try await checkd.waitFor(#"s "OK""#, "Status") { try await checkd.scriptProperty("chk", "Status") }
                    #expect(try await checkd.scriptProperty("chk", "Name") == #"s "chk""#)
                    #expect(try await checkd.scriptProperty("chk", "Weight") == "i -20")
                    #expect(try await checkd.scriptProperty("chk", "Interval") == "d 1")
                    #expect(try await checkd.scriptProperty("chk", "LastExitStatus") == "i 0")
                    #expect(try await checkd.scriptProperty("chk", "LastRun") != "t 0")

                    files.remove("ok")
                    try await checkd.waitFor(#"s "FAILED""#, "Status") {
                        try await checkd.scriptProperty("chk", "Status")
                    }
                    #expect(try await checkd.scriptProperty("chk", "LastExitStatus") == "i 1")
                    #expect(checkd.log.contains("VRRP_Script(chk) failed (exited with status 1)"))

                    files.touch("ok")
                    try await checkd.waitFor(#"s "OK""#, "Status") { try await checkd.scriptProperty("chk", "Status") }
                    #expect(checkd.log.contains("VRRP_Script(chk) succeeded"))
                }
            }
        }
    }

    @Test func aScriptThatOverrunsItsTimeoutIsKilledWithItsProcessGroup() async throws {
        try await TestFiles.with { files in
            // The script starts a grandchild in its process group and records its pid.
            let script = try files.script(
                "slow.sh", "sleep 300 &\necho $! > \(files.path("child.pid"))\nwait")
            let config = """
                vrrp_script slow {
                    script "\(script)"
                    interval 2
                    timeout 1
                }
                """
            try await withPrivateBus { bus in
                try await CheckdProcess.with(config: config, in: files.directory, bus: bus) { checkd in
                    try await checkd.waitFor(#"s "FAILED""#, "Status") {
                        try await checkd.scriptProperty("slow", "Status")
                    }
                    #expect(try await checkd.scriptProperty("slow", "LastExitStatus") == "i 137")
                    #expect(checkd.log.contains("VRRP_Script(slow) failed (timed out)"))
                    let pid = try #require(Int32(files.read("child.pid").trimmingCharacters(in: .whitespacesAndNewlines)))
                    // The grandchild was killed too (it may linger as a zombie until init reaps it).
                    let state = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
                    #expect(state.isEmpty || state.contains(") Z "), "grandchild still runs: \(state)")
                }
            }
        }
    }

    @Test func initFailStartsFailedAndAUserRunsTheScript() async throws {
        try await TestFiles.with { files in
            let script = try files.script("whoami.sh", "id -u > \(files.path("uid"))")
            files.touch("uid")
            chmod(files.path("uid"), 0o666)
            let config = """
                vrrp_script as_nobody {
                    script "\(script)"
                    interval 1
                    rise 3
                    init_fail
                    user nobody
                }
                """
            try await withPrivateBus { bus in
                try await CheckdProcess.with(config: config, in: files.directory, bus: bus) { checkd in
                    // FAILED from the start, OK only after rise (3) passes.
                    let first = try await checkd.scriptProperty("as_nobody", "Status")
                    #expect(first == #"s "FAILED""#)
                    try await checkd.waitFor(#"s "OK""#, "Status") {
                        try await checkd.scriptProperty("as_nobody", "Status")
                    }
                    #expect(files.read("uid").trimmingCharacters(in: .whitespacesAndNewlines) == "65534")
                }
            }
        }
    }

    @Test func scriptSecurityRefusesAScriptAnotherUserCouldChange() async throws {
        try await TestFiles.with { files in
            let script = try files.script("open.sh", "exit 0")
            chmod(script, 0o777)
            let config = """
                global_defs {
                    enable_script_security
                    script_user root
                }
                vrrp_script open {
                    script "\(script)"
                    interval 1
                }
                vrrp_script relative {
                    script "true"
                    interval 1
                }
                """
            try await withPrivateBus { bus in
                try await CheckdProcess.with(config: config, in: files.directory, bus: bus) { checkd in
                    try await checkd.waitForLog("Disabling script '\(script)' since it is insecure")
                    try await checkd.waitForLog("Disabling script 'true': a relative path is not allowed")
                    #expect(try await checkd.scriptProperty("open", "Status") == #"s "FAILED""#)
                    #expect(try await checkd.scriptProperty("open", "LastRun") == "t 0")
                }
            }
        }
    }

    @Test func withoutScriptSecurityKeepalivedsWarningsAreLogged() async throws {
        try await TestFiles.with { files in
            let script = try files.script("ok.sh", "exit 0")
            let config = "vrrp_script ok {\n    script \"\(script)\"\n    interval 1\n}\n"
            try await withPrivateBus { bus in
                try await CheckdProcess.with(config: config, in: files.directory, bus: bus) { checkd in
                    try await checkd.waitForLog("SECURITY VIOLATION - scripts are being executed but script_security not enabled.")
                    if getpwnam("keepalived_script") == nil {
                        #expect(checkd.log.contains("default user 'keepalived_script' for script execution does not exist"))
                    }
                }
            }
        }
    }
}
