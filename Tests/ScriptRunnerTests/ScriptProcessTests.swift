import Foundation
import ScriptRunner
import Testing

@Suite("Running scripts")
struct ScriptProcessTests {
    private func shell(_ script: String, _ extra: String...) -> ScriptCommand {
        ScriptCommand(program: "/bin/sh", arguments: ["-c", script, "sh"] + extra)
    }

    @Test(arguments: [0, 1, 2, 3, 42, 127, 128, 254, 255] as [Int32])
    func exitStatusIsReported(status: Int32) async {
        let result = await ScriptProcess.run(ScriptInvocation(command: shell("exit \(status)")))
        #expect(result.outcome == .exited(status))
        #expect(result.exitStatus == status)
        #expect(result.succeeded == (status == 0))
    }

    @Test func deathBySignalIsReported() async {
        let result = await ScriptProcess.run(ScriptInvocation(command: shell("kill -USR1 $$")))
        #expect(result.outcome == .signalled(SIGUSR1))
    }

    @Test func argvAndEnvironmentArePassedAsGiven() async throws {
        let directory = try TemporaryDirectory()
        let script = try directory.write("notify.sh", "#!/bin/sh\nfor a in \"$@\"; do echo \"arg:$a\"; done\nenv\n")
        let command = try ScriptCommand(parsing: "\(script) 'first arg' second")
            .appending(["INSTANCE", "VI_1", "MASTER", "100"])
        let result = await ScriptProcess.run(
            ScriptInvocation(command: command, environment: ["KEEPALIVE_TEST": "a b=c"], output: .capture))
        #expect(result.outcome == .exited(0))
        let lines = result.outputText.split(separator: "\n").map(String.init)
        #expect(
            lines.filter { $0.hasPrefix("arg:") } == [
                "arg:first arg", "arg:second", "arg:INSTANCE", "arg:VI_1", "arg:MASTER", "arg:100",
            ])
        // The shell itself adds PWD; nothing of ours (HOME, USER, ...) leaks in.
        let environment = Set(lines.filter { !$0.hasPrefix("arg:") && !$0.hasPrefix("PWD=") })
        #expect(environment == ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "KEEPALIVE_TEST=a b=c"])
    }

    @Test func stdinIsDevNullAndOutputIsBounded() async {
        let result = await ScriptProcess.run(
            ScriptInvocation(
                command: shell("cat; echo err >&2; head -c 200000 /dev/zero"), output: .capture(limit: 1000)))
        #expect(result.outcome == .exited(0))
        #expect(result.output.count == 1000)
        #expect(result.outputTruncated)
        #expect(result.output.starts(with: Array("err\n".utf8)))
    }

    @Test func aBackgroundChildHoldingTheOutputPipeDoesNotHoldTheResult() async throws {
        let result = await ScriptProcess.run(
            ScriptInvocation(command: shell("sleep 300 & echo $!"), timeout: .seconds(60), output: .capture))
        let leftover = try #require(Int32(result.outputText.trimmingCharacters(in: .whitespacesAndNewlines)))
        defer { kill(leftover, SIGKILL) }
        #expect(result.outcome == .exited(0))
        // keepalived leaves a script's background children alone when the script itself exits.
        #expect(kill(leftover, 0) == 0)
    }

    @Test func discardedOutputCapturesNothing() async {
        let result = await ScriptProcess.run(ScriptInvocation(command: shell("echo hello")))
        #expect(result.outcome == .exited(0))
        #expect(result.output.isEmpty)
    }

    @Test func missingOrNonExecutableProgramIsASpawnFailure() async throws {
        let missing = await ScriptProcess.run(
            ScriptInvocation(command: ScriptCommand(program: "/nonexistent/keepalive-script")))
        #expect(missing.outcome == .spawnFailed(errno: ENOENT, message: missing.spawnMessage))
        let directory = try TemporaryDirectory()
        let plain = try directory.write("plain.sh", "#!/bin/sh\n", mode: 0o644)
        let notExecutable = await ScriptProcess.run(ScriptInvocation(command: ScriptCommand(program: plain)))
        // Even root cannot execute a file with no execute bit at all.
        #expect(notExecutable.outcome == .spawnFailed(errno: EACCES, message: notExecutable.spawnMessage))
    }

    @Test func timeoutKillsTheScriptAndItsForkedGrandchild() async throws {
        let directory = try TemporaryDirectory()
        let pids = "\(directory.path)/pids"
        let result = await ScriptProcess.run(
            ScriptInvocation(
                command: shell("sleep 300 & echo \"$$ $!\" > \"$1\"; wait", pids), timeout: .milliseconds(500)))
        #expect(result.outcome == .timedOut)
        let written = try directory.read("pids").split(whereSeparator: \.isWhitespace).compactMap { Int32($0) }
        try #require(written.count == 2)
        for pid in written {
            #expect(try await waitUntilEnded(pid), "pid \(pid) survived the timeout")
        }
    }

    @Test func cancellingTheWaitingTaskKillsTheGroup() async throws {
        let process = try ScriptProcess.spawn(ScriptInvocation(command: shell("sleep 300")))
        let waiting = Task { await process.waitForExit() }
        waiting.cancel()
        #expect(await waiting.value.outcome == .cancelled)
        #expect(try await waitUntilEnded(process.pid))
    }

    /// Our daemons block and handle HUP/TERM/INT; a script must still see default signals.
    @Test func childHasACleanSignalMaskAndDefaultDispositions() async throws {
        var blockTerm = sigset_t()
        sigemptyset(&blockTerm)
        sigaddset(&blockTerm, SIGTERM)
        var previousMask = sigset_t()
        var ignore = sigaction()
        ignore.__sigaction_handler.sa_handler = SIG_IGN
        var previousAction = sigaction()
        // SIGTERM blocked in this thread and SIGHUP ignored process-wide while spawning: what a
        // child of a plain fork/exec from here would inherit.
        pthread_sigmask(SIG_BLOCK, &blockTerm, &previousMask)
        sigaction(SIGHUP, &ignore, &previousAction)
        let sleeper = ScriptInvocation(command: ScriptCommand(program: "/bin/sleep", arguments: ["30"]))
        let spawned = Result { try ScriptProcess.spawn(sleeper) }
        sigaction(SIGHUP, &previousAction, nil)
        pthread_sigmask(SIG_SETMASK, &previousMask, nil)
        let process = try spawned.get()

        #expect(procStatus(process.pid, "SigBlk") == "0000000000000000")
        // Signals 1...31 at their defaults. glibc's posix_spawn itself leaves its two internal
        // signals (32, 33) ignored in the child; no program uses those.
        let ignored = try #require(procStatus(process.pid, "SigIgn").flatMap { UInt64($0, radix: 16) })
        #expect(ignored & 0x7fff_ffff == 0)
        kill(process.pid, SIGTERM)
        #expect(await process.waitForExit().outcome == .signalled(SIGTERM))
    }

    @Test func aProcessDroppedWithoutWaitingIsStillReaped() async throws {
        var pid: Int32 = 0
        do {
            pid = try ScriptProcess.spawn(ScriptInvocation(command: shell("exit 3"))).pid
        }
        // Bounded wait for the exit event; a leak would leave a zombie whose parent is us.
        for _ in 0..<500 where kill(pid, 0) == 0 {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(kill(pid, 0) != 0 && errno == ESRCH)
        #expect(!isOurZombie(pid))
    }

    @Test func noZombiesAfterAHundredRuns() async throws {
        var pids: [Int32] = []
        for _ in 0..<10 {
            let batch = try (0..<10).map { _ in try ScriptProcess.spawn(ScriptInvocation(command: shell("exit 0"))) }
            for process in batch {
                #expect(await process.waitForExit().outcome == .exited(0))
                pids.append(process.pid)
            }
        }
        #expect(pids.count == 100)
        #expect(pids.filter(isOurZombie).isEmpty)
    }
}

extension ScriptResult {
    /// The message of a spawn failure, so a test can compare the outcome on its errno.
    fileprivate var spawnMessage: String {
        if case .spawnFailed(_, let message) = outcome { return message }
        return ""
    }
}
