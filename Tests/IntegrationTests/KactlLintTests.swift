import Foundation
import KeepaliveTestSupport
import Testing

/// `kactl config lint` and `kactl config check --json`, run as a user would run them.
struct KactlLintTests {
    /// Three traps: a relative script path (2:5), a missing script user (3:5), a long auth_pass (12:19).
    static let threeProblems = """
        vrrp_script chk_web {
            script "pgrep nginx"
            user nosuchuser-kactl-lint
        }
        vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            virtual_router_id 51
            priority 100
            authentication {
                auth_type PASS
                auth_pass longsecret
            }
            virtual_ipaddress {
                192.0.2.10/24
            }
        }

        """

    static func write(_ text: String) throws -> (directory: String, file: String) {
        let directory = try Repository.temporaryDirectory("kactl-lint")
        let file = directory + "/keepalived.conf"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return (directory, file)
    }

    @Test func lintPointsAtEachProblemAndExits1() async throws {
        let (directory, file) = try Self.write(Self.threeProblems)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lint = try await run(try Repository.binary("kactl"), ["config", "lint", "-f", file])
        #expect(lint.status == 1, "\(lint.stderr)")
        for location in ["2:5", "3:5", "12:19"] {
            #expect(lint.stderr.contains("\(file):\(location): warning:"), "\(lint.stderr)")
        }
        #expect(lint.stderr.components(separatedBy: "\n    why: ").count == 4)
        #expect(lint.stderr.components(separatedBy: "\n    fix: ").count == 4)
        #expect(lint.stdout.contains("3 lint warnings"))
    }

    @Test func lintJSONListsTheFindings() async throws {
        let (directory, file) = try Self.write(Self.threeProblems)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lint = try await run(try Repository.binary("kactl"), ["config", "lint", "--json", "-f", file])
        #expect(lint.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(lint.stdout.utf8)) as? [String: Any])
        #expect(json["ok"] as? Bool == false)
        let findings = try #require(json["findings"] as? [[String: Any]])
        #expect(
            findings.compactMap { $0["rule"] as? String } == ["script-path", "unknown-script-user", "long-auth-pass"])
        #expect(findings.compactMap { $0["line"] as? Int } == [2, 3, 12])
        #expect(findings.allSatisfy { ($0["why"] as? String)?.isEmpty == false && $0["fix"] != nil })
    }

    @Test func theExampleIsClean() async throws {
        let lint = try await run(
            try Repository.binary("kactl"), ["config", "lint", "-f", "\(Repository.root)/examples/keepalived.conf"])
        #expect(lint.status == 0, "\(lint.stderr)")
        #expect(lint.stdout.contains("clean"))
    }

    @Test func aRefusedFileIsNotLintedAndExits2() async throws {
        let (directory, file) = try Self.write(
            "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 300\n}\n")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lint = try await run(try Repository.binary("kactl"), ["config", "lint", "-f", file])
        #expect(lint.status == 2)
        #expect(lint.stderr.contains("\(file):3:23: error:"))
        #expect(lint.stderr.contains("not linted"))
    }

    @Test func checkJSONHasTheFieldsAndTheSameExitStatus() async throws {
        let kactl = try Repository.binary("kactl")
        let good = try await run(
            kactl, ["config", "check", "--json", "-f", "\(Repository.root)/examples/keepalived.conf"])
        #expect(good.status == 0)
        let loaded = try #require(try JSONSerialization.jsonObject(with: Data(good.stdout.utf8)) as? [String: Any])
        #expect(Set(loaded.keys) == ["file", "ok", "errors", "warnings", "summary"])
        #expect(loaded["ok"] as? Bool == true)
        #expect((loaded["summary"] as? [String: Int])?["vrrp_instance"] == 1)

        let (directory, file) = try Self.write(
            "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 300\n}\n")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let bad = try await run(kactl, ["config", "check", "--json", "-f", file])
        #expect(bad.status == 1)
        let refused = try #require(try JSONSerialization.jsonObject(with: Data(bad.stdout.utf8)) as? [String: Any])
        #expect(refused["ok"] as? Bool == false)
        let error = try #require((refused["errors"] as? [[String: Any]])?.first)
        #expect(error["file"] as? String == file)
        #expect(error["line"] as? Int == 3)
        #expect(error["column"] as? Int == 23)
        #expect(error["severity"] as? String == "error")
        #expect((error["message"] as? String)?.isEmpty == false)
        #expect((refused["summary"] as? [String: Int])?["errors"] == 1)
    }
}
