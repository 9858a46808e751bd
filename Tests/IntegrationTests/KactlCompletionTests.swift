import Foundation
import KeepaliveTestSupport
import Testing

/// The completion scripts in completions/ are what the current kactl generates.
struct KactlCompletionTests {
    static let scripts = [("bash", "kactl.bash"), ("zsh", "_kactl"), ("fish", "kactl.fish")]

    @Test(arguments: scripts)
    func theCommittedScriptIsCurrent(shell: String, file: String) async throws {
        let generated = try await runKactl(["--generate-completion-script", shell])
        #expect(generated.status == 0)
        let committed = try String(contentsOfFile: "\(Repository.root)/completions/\(file)", encoding: .utf8)
        #expect(
            generated.stdout == committed,
            "completions/\(file) is stale: run `kactl --generate-completion-script \(shell) > completions/\(file)`")
        for command in ["status", "monitor", "reload", "set-priority", "switchover", "drain", "config"] {
            #expect(committed.contains(command))
        }
    }
}
