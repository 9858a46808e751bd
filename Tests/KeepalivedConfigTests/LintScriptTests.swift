import Glibc
import Testing

@testable import KeepalivedConfig

/// Script paths, shell syntax without a shell, and script users, checked against this machine.
struct LintScriptTests {
    static func script(_ command: String, user: String? = nil) -> String {
        "vrrp_script chk {\n    script \"\(command)\"\n" + (user.map { "    user \($0)\n" } ?? "") + "}\n"
    }

    @Test func aRelativeScriptPathFiresAndSuggestsTheFullOne() throws {
        let finding = try #require(try LintTest.findings(Self.script("pgrep -x nginx")).first)
        #expect(finding.rule == .scriptPath)
        #expect(finding.message.contains("'pgrep', which is not an absolute path"))
        #expect(finding.location == SourceLocation(file: "test.conf", line: 2, column: 5))
        #expect(finding.fix.contains("/usr/bin/pgrep"))
    }

    @Test(arguments: ["|", "&&", ";", ">", "$(", "`"])
    func shellSyntaxWithoutAShellFires(token: String) throws {
        let findings = try LintTest.findings(Self.script("/usr/bin/pgrep nginx \(token) /usr/bin/true"))
        #expect(findings.map(\.rule) == [.scriptPath])
        #expect(findings.first?.message.contains("shell syntax") == true)
    }

    @Test func aShellRunningTheLineStaysQuiet() throws {
        #expect(try LintTest.rules(Self.script("/bin/sh -c 'pgrep nginx | wc -l'")).isEmpty)
        #expect(try LintTest.rules(Self.script("/usr/bin/pgrep -x nginx")).isEmpty)
    }

    @Test func aMissingScriptUserFires() throws {
        let missing = "nosuchuser\(getpid())"
        let finding = try #require(try LintTest.findings(Self.script("/usr/bin/true", user: missing)).first)
        #expect(finding.rule == .unknownScriptUser)
        #expect(finding.location == SourceLocation(file: "test.conf", line: 3, column: 5))
        #expect(try LintTest.rules(Self.script("/usr/bin/true", user: "root")).isEmpty)
    }

    @Test func aMissingGlobalScriptUserFires() throws {
        let text = "global_defs {\n    script_user nosuchuser\(getpid())\n}\n"
        #expect(try LintTest.rules(text) == [.unknownScriptUser])
        #expect(try LintTest.rules("global_defs {\n    script_user root\n}\n").isEmpty)
    }

    static func miscCheck(_ path: String, user: String) -> String {
        LintTest.instance(vip: "192.0.2.10/24")
            + "virtual_server 192.0.2.10 80 {\n    real_server 198.51.100.1 80 {\n        MISC_CHECK {\n"
            + "            misc_path \"\(path)\"\n            user \(user)\n        }\n    }\n}\n"
    }

    @Test func aMiscCheckIsCheckedLikeAScript() throws {
        let findings = try LintTest.findings(Self.miscCheck("check.sh > /dev/null", user: "nosuchuser\(getpid())"))
        #expect(findings.map(\.rule) == [.scriptPath, .scriptPath, .unknownScriptUser])
        #expect(findings.first?.location == SourceLocation(file: "test.conf", line: 14, column: 13))
        #expect(try LintTest.rules(Self.miscCheck("/usr/bin/true", user: "root")).isEmpty)
    }
}

/// Notify commands are commands keepalived runs too.
struct LintNotifyTests {
    @Test func aNotifyCommandIsCheckedLikeAScript() throws {
        let text = LintTest.instance("VI_1", "    notify_master \"vrrp.sh MASTER\"")
        let finding = try #require(try LintTest.findings(text).first)
        #expect(finding.rule == .scriptPath)
        #expect(finding.message.contains("notify_master of vrrp_instance VI_1 runs 'vrrp.sh'"))
        #expect(finding.location == SourceLocation(file: "test.conf", line: 9, column: 5))
        let absolute = LintTest.instance("VI_1", "    notify_master \"/usr/local/bin/vrrp.sh MASTER\"")
        #expect(try LintTest.rules(absolute).isEmpty)
    }

    @Test func shellSyntaxFirstIsOneFindingNotTwo() throws {
        let text = "vrrp_script chk {\n    script \"</dev/tcp/127.0.0.1/80\"\n}\n"
        let findings = try LintTest.findings(text)
        #expect(findings.map(\.rule) == [.scriptPath])
        #expect(findings.first?.message.contains("shell syntax '<'") == true)
    }
}
