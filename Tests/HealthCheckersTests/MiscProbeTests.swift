import Foundation
import HealthCheckers
import KeepaliveTestSupport
import KeepalivedConfig
import Testing

func miscCheck(_ path: String, dynamic: Bool = false, timeout: Double? = nil) -> HealthChecker {
    var check = MiscCheck(path: path)
    check.dynamic = dynamic
    check.timeout = timeout
    return .misc(check)
}

@Suite struct MiscProbeTests {
    @Test func exitZeroPasses() async throws {
        let probe = try Fixture.probe(miscCheck("/bin/sh -c 'exit 0'"), port: nil)
        #expect(probe.keyword == "MISC_CHECK")
        #expect(await probe.attempt() == .success(weight: nil))
    }

    @Test func aNonZeroExitFails() async throws {
        let probe = try Fixture.probe(miscCheck("/bin/sh -c 'exit 3'"), port: nil)
        let result = await probe.attempt()
        #expect(result == .failure(.scriptExit(3)))
        if case .failure(let failure) = result {
            #expect(
                failure.logLine(keyword: "MISC_CHECK", target: "[10.0.0.2]:80")
                    == "Misc check for [10.0.0.2]:80 failed: exited with status 3.")
        }
    }

    @Test(arguments: [
        (0, ProbeResult.success(weight: nil)), (1, .failure(.scriptExit(1))), (2, .success(weight: 0)),
        (12, .success(weight: 10)), (255, .success(weight: 253)),
    ])
    func miscDynamicExitCodes(status: Int, expected: ProbeResult) async throws {
        let probe = try Fixture.probe(miscCheck("/bin/sh -c 'exit \(status)'", dynamic: true), port: nil)
        #expect(await probe.attempt() == expected)
    }

    @Test func argumentsAreSplitLikeKeepalived() async throws {
        let directory = try Repository.temporaryDirectory("checkers-misc")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let marker = directory + "/a file"
        let probe = try Fixture.probe(miscCheck("/usr/bin/touch \"\(marker)\""), port: nil)
        #expect(await probe.attempt() == .success(weight: nil))
        #expect(FileManager.default.fileExists(atPath: marker))
    }

    @Test func aScriptOverMiscTimeoutIsKilled() async throws {
        let probe = try Fixture.probe(miscCheck("/bin/sleep 30", timeout: 0.2), port: nil)
        let result = await probe.attempt()
        #expect(result == .failure(.scriptTimeout))
        if case .failure(let failure) = result {
            #expect(
                failure.logLine(keyword: "MISC_CHECK", target: "[10.0.0.2]:80")
                    == "Misc check for [10.0.0.2]:80 failed: timed out.")
        }
    }

    @Test func aScriptKilledByASignalFails() async throws {
        let probe = try Fixture.probe(miscCheck("/bin/sh -c 'kill -9 $$'"), port: nil)
        #expect(await probe.attempt() == .failure(.scriptSignal(9)))
    }

    @Test func aMissingProgramFails() async throws {
        let probe = try Fixture.probe(miscCheck("/nonexistent/check"), port: nil)
        guard case .failure(.scriptNotStarted) = await probe.attempt() else {
            Issue.record("a missing program must fail to start")
            return
        }
    }

    @Test(.enabled(if: getuid() == 0, "needs root: runs the script as another user"))
    func userRunsTheScriptAsThatUser() async throws {
        var check = MiscCheck(path: "/bin/sh -c 'test $(id -u) = 65534'")
        check.runAs = ScriptUser(user: "nobody")
        let probe = try Fixture.probe(.misc(check), port: nil)
        #expect(await probe.attempt() == .success(weight: nil))
    }

    @Test func anUnknownUserIsAConfigurationError() throws {
        var check = MiscCheck(path: "/bin/true")
        check.runAs = ScriptUser(user: "no-such-user-keepalive")
        #expect(throws: ProbeConfigurationError.self) { try Fixture.probe(.misc(check), port: nil) }
    }

    @Test func anUnterminatedQuoteIsAConfigurationError() throws {
        #expect(throws: ProbeConfigurationError.self) { try Fixture.probe(miscCheck("/bin/echo 'oops"), port: nil) }
    }
}
