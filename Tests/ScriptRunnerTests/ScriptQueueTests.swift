import Foundation
import ScriptRunner
import Testing

@Suite("Per-owner script queues")
struct ScriptQueueTests {
    /// A notify script that appends "start N <ns>" and "end N <ns>" around a short sleep.
    private func marking(_ file: String, _ run: Int) -> ScriptInvocation {
        let script = "echo \"start $2 $(date +%s%N)\" >> \"$1\"; sleep 0.1; echo \"end $2 $(date +%s%N)\" >> \"$1\""
        return ScriptInvocation(
            command: ScriptCommand(program: "/bin/sh", arguments: ["-c", script, "sh", file, "\(run)"]))
    }

    @Test func notifyRunsOnOneKeyRunInOrderAndNeverOverlap() async throws {
        let directory = try TemporaryDirectory()
        let file = "\(directory.path)/marks"
        let queue = ScriptQueue()
        // Enqueued without awaiting in between, as vrrpd does on quick transitions.
        let tasks = (1...5).map { queue.enqueue(key: "VI_1", marking(file, $0)) }
        for task in tasks { #expect(await task.value.outcome == .exited(0)) }
        #expect(!queue.isBusy(key: "VI_1"))

        let marks = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: " ")
        }
        try #require(marks.count == 10)
        var lastTime: UInt64 = 0
        for (index, mark) in marks.enumerated() {
            let run = index / 2 + 1
            #expect(mark[0] == (index.isMultiple(of: 2) ? "start" : "end"))
            #expect(mark[1] == "\(run)")
            let time = try #require(UInt64(mark[2]))
            #expect(time >= lastTime)
            lastTime = time
        }
    }

    @Test func aScriptStillRunningIsNotStartedAgain() async throws {
        let queue = ScriptQueue()
        let gate = try TemporaryDirectory()
        // Runs until the test creates the file "go": the first run is surely still going.
        let waitForGo = ScriptInvocation(
            command: ScriptCommand(
                program: "/bin/sh", arguments: ["-c", "while [ ! -e \"$1/go\" ]; do sleep 0.01; done", "sh", gate.path]),
            timeout: .seconds(30))
        let first = try #require(queue.runIfIdle(key: "chk_haproxy", waitForGo))
        #expect(queue.runIfIdle(key: "chk_haproxy", waitForGo) == nil)
        #expect(queue.isBusy(key: "chk_haproxy"))
        // Another script is independent.
        let other = try #require(
            queue.runIfIdle(key: "chk_other", ScriptInvocation(command: ScriptCommand(program: "/bin/true"))))
        #expect(await other.value.outcome == .exited(0))

        try gate.write("go", "")
        #expect(await first.value.outcome == .exited(0))
        #expect(!queue.isBusy(key: "chk_haproxy"))
        let again = try #require(
            queue.runIfIdle(key: "chk_haproxy", ScriptInvocation(command: ScriptCommand(program: "/bin/true"))))
        #expect(await again.value.outcome == .exited(0))
    }
}
