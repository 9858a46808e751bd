import Foundation
import ScriptRunner
import Testing

@Suite("enable_script_security and script users")
struct ScriptSecurityTests {
    private let secure = ScriptSecurity(enabled: true)

    private func refusal(_ verdict: ScriptVerdict) -> ScriptRefusal? {
        if case .refused(let refusal) = verdict { return refusal }
        return nil
    }

    @Test(.enabled(if: getuid() == 0, "needs root: files owned by root are the secure case"))
    func aRootOwnedScriptInRootOwnedDirectoriesIsAllowed() throws {
        let directory = try TemporaryDirectory()
        let script = try directory.write("check.sh", "#!/bin/sh\nexit 0\n")
        let verdict = secure.check(ScriptCommand(program: script, arguments: ["x"]), runningAs: .root)
        #expect(verdict == .allowed(ScriptCommand(program: script, arguments: ["x"]), warnings: []))
    }

    @Test(.enabled(if: getuid() == 0, "needs root: files owned by root are the secure case"))
    func aWorldWritableScriptIsRefusedForRoot() throws {
        let directory = try TemporaryDirectory()
        let script = try directory.write("check.sh", "#!/bin/sh\nexit 0\n", mode: 0o757)
        let refused = try #require(refusal(secure.check(ScriptCommand(program: script), runningAs: .root)))
        #expect(refused == .writableByNonRoot(script: script, weakness: "file \(script) is writable by others"))
        #expect(refused.description.contains("Disabling script '\(script)'"))
    }

    @Test(.enabled(if: getuid() == 0, "needs root: files owned by root are the secure case"))
    func aScriptInAWorldWritableDirectoryIsRefused() throws {
        let directory = try TemporaryDirectory(mode: 0o777)
        let script = try directory.write("check.sh", "#!/bin/sh\nexit 0\n")
        let refused = try #require(refusal(secure.check(ScriptCommand(program: script), runningAs: .root)))
        #expect(
            refused == .writableByNonRoot(script: script, weakness: "directory \(directory.path) is writable by others")
        )
    }

    @Test(.enabled(if: getuid() == 0, "needs root: chowns a script to nobody"))
    func aScriptOwnedByAnotherUserIsRefusedButMayRunAsThatUser() throws {
        let directory = try TemporaryDirectory()
        let script = try directory.write("check.sh", "#!/bin/sh\nexit 0\n")
        chown(script, 65534, 65534)
        let refused = try #require(refusal(secure.check(ScriptCommand(program: script), runningAs: .root)))
        #expect(refused == .writableByNonRoot(script: script, weakness: "file \(script) is owned by uid 65534"))
        let nobody = try ScriptCredentials.resolve(user: "nobody")
        #expect(
            secure.check(ScriptCommand(program: script), runningAs: nobody)
                == .allowed(
                    ScriptCommand(program: script), warnings: []))
    }

    @Test func aRelativePathIsRefusedUnderSecurityAndSearchedWithout() {
        let command = ScriptCommand(program: "true", arguments: ["a"])
        #expect(refusal(secure.check(command, runningAs: .root)) == .relativePath("true"))
        let open = ScriptSecurity(enabled: false)
        guard case .allowed(let resolved, let warnings) = open.check(command, runningAs: .root) else {
            Issue.record("bare name not resolved by path search")
            return
        }
        #expect(resolved.isAbsolute && resolved.program.hasSuffix("/true"))
        #expect(resolved.arguments == ["a"])
        #expect(warnings.first?.contains("resolved by path search to `\(resolved.program)`") == true)
    }

    @Test func missingAndNonExecutableScriptsAreRefused() throws {
        #expect(
            refusal(secure.check(ScriptCommand(program: "/nonexistent/x.sh"), runningAs: .root))
                == .notFound("/nonexistent/x.sh"))
        let directory = try TemporaryDirectory()
        let script = try directory.write("plain.sh", "#!/bin/sh\n", mode: 0o644)
        #expect(refusal(secure.check(ScriptCommand(program: script), runningAs: .root)) == .notExecutable(script))
    }

    @Test(.enabled(if: getuid() == 0, "needs root: a world-writable root script"))
    func withoutSecurityAnInsecureScriptRunsWithAWarning() throws {
        let directory = try TemporaryDirectory()
        let script = try directory.write("check.sh", "#!/bin/sh\n", mode: 0o777)
        guard
            case .allowed(_, let warnings) = ScriptSecurity(enabled: false).check(
                ScriptCommand(program: script), runningAs: .root)
        else {
            Issue.record("refused although enable_script_security is off")
            return
        }
        #expect(warnings == ["WARNING - script '\(script)' is insecure: file \(script) is writable by others"])
    }

    @Test func usersAndGroupsResolveByNameOrNumber() throws {
        let nobody = try ScriptCredentials.resolve(user: "nobody")
        #expect(nobody == ScriptCredentials(userName: "nobody", uid: 65534, gid: 65534))
        #expect(try ScriptCredentials.resolve(user: "0", group: "65534").gid == 65534)
        #expect(throws: ScriptCredentialsError.unknownUser("no-such-keepalive-user")) {
            try ScriptCredentials.resolve(user: "no-such-keepalive-user")
        }
        #expect(throws: ScriptCredentialsError.unknownGroup("no-such-keepalive-group")) {
            try ScriptCredentials.resolve(user: "root", group: "no-such-keepalive-group")
        }
    }

    @Test func defaultUserIsKeepalivedScriptOrRootWithKeepalivedsWarning() throws {
        let (credentials, warning) = try ScriptCredentials.defaultCredentials()
        if let expected = try? ScriptCredentials.resolve(user: "keepalived_script") {
            #expect(credentials == expected && warning == nil)
        } else {
            #expect(credentials == .root)
            #expect(
                warning
                    == "WARNING - default user 'keepalived_script' for script execution does not exist - please create."
            )
        }
        #expect(try ScriptCredentials.defaultCredentials(scriptUser: "nobody").credentials.uid == 65534)
    }

    @Test(.enabled(if: getuid() == 0, "needs root: runs a script as user nobody"))
    func aScriptRunsAsNobodyWithNobodysGroups() async throws {
        let directory = try TemporaryDirectory(mode: 0o777)
        let nobody = try ScriptCredentials.resolve(user: "nobody")
        let command = ScriptCommand(
            program: "/bin/sh",
            arguments: ["-c", "id -u > \"$1/id\"; id -g >> \"$1/id\"; id -G >> \"$1/id\"", "sh", directory.path])
        let result = await ScriptProcess.run(ScriptInvocation(command: command, credentials: nobody))
        #expect(result.outcome == .exited(0))
        #expect(try directory.read("id") == "65534\n65534\n65534\n")
    }
}
