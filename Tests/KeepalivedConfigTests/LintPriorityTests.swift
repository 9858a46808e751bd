import Testing

@testable import KeepalivedConfig

/// Weights that cannot move a VIP, `state MASTER` below 255, and `nopreempt` that is cleared.
struct LintPriorityTests {
    static let check = """
        vrrp_script chk_web {
            script "/usr/bin/true"
            weight -20
        }

        """
    static let tracked = "    track_script {\n        chk_web\n    }"

    @Test func aWeightSmallerThanTheGapToAPeerInTheFileFires() throws {
        let text =
            Self.check + LintTest.instance("VI_A", priority: 150, Self.tracked)
            + LintTest.instance("VI_B", priority: 100, Self.tracked)
        let findings = try LintTest.findings(text)
        let finding = try #require(findings.first { $0.rule == .weightTooSmall })
        #expect(findings.filter { $0.rule == .weightTooSmall }.count == 1)
        #expect(finding.message.contains("(VI_A) track_script chk_web weight -20 cannot move the VIP"))
        #expect(finding.message.contains("the backup's 100 in this file"))
        // `chk_web` inside VI_A's track_script block: line 14, column 9.
        #expect(finding.location == SourceLocation(file: "test.conf", line: 14, column: 9))
        #expect(finding.fix.contains("weight -51"))
    }

    @Test func aWeightLargerThanTheGapStaysQuiet() throws {
        let text =
            Self.check + LintTest.instance("VI_A", priority: 110, Self.tracked)
            + LintTest.instance("VI_B", priority: 100, Self.tracked)
        #expect(try LintTest.rules(text).contains(.weightTooSmall) == false)
    }

    @Test func aTieStillFiresBecauseTheAddressDecides() throws {
        let text =
            Self.check + LintTest.instance("VI_A", priority: 120, Self.tracked)
            + LintTest.instance("VI_B", priority: 100)
        let finding = try #require(try LintTest.findings(text).first { $0.rule == .weightTooSmall })
        #expect(finding.why.contains("tie"))
    }

    @Test func aLoneMasterIsComparedWithKeepalivedsDefaultBackupPriority() throws {
        let text = Self.check + LintTest.instance(priority: 150, Self.tracked)
        let finding = try #require(try LintTest.findings(text).first { $0.rule == .weightTooSmall })
        #expect(finding.message.contains("100, keepalived's default for a backup"))
        let fixed = Self.check + LintTest.instance(priority: 110, Self.tracked)
        #expect(try LintTest.rules(fixed).contains(.weightTooSmall) == false)
    }

    @Test func anInterfaceWeightCountsToo() throws {
        let body = "    track_interface {\n        eth1 weight -10\n    }"
        let text = LintTest.instance(priority: 200, body)
        #expect(try LintTest.rules(text).contains(.weightTooSmall))
        #expect(try LintTest.rules(LintTest.instance(priority: 105, body)).contains(.weightTooSmall) == false)
    }

    @Test func weightsAreIgnoredAtPriority255() throws {
        let text = Self.check + LintTest.instance(state: "MASTER", priority: 255, Self.tracked)
        let finding = try #require(try LintTest.findings(text).first { $0.rule == .weightTooSmall })
        #expect(finding.message.contains("ignored at priority 255"))
    }

    @Test func aCheckWithoutWeightMeansFaultAndStaysQuiet() throws {
        let text = """
            vrrp_script chk_web {
                script "/usr/bin/true"
            }

            """ + LintTest.instance(priority: 200, Self.tracked)
        #expect(try LintTest.rules(text).contains(.weightTooSmall) == false)
    }

    @Test func stateMasterBelow255Fires() throws {
        let findings = try LintTest.findings(LintTest.instance(state: "MASTER", priority: 150))
        let finding = try #require(findings.first { $0.rule == .masterBelowOwner })
        #expect(finding.location == SourceLocation(file: "test.conf", line: 2, column: 5))
        #expect(finding.fix.contains("state BACKUP"))
    }

    @Test func stateBackupOrTheOwnerStaysQuiet() throws {
        #expect(try LintTest.rules(LintTest.instance(state: "BACKUP", priority: 150)).isEmpty)
        #expect(try LintTest.rules(LintTest.instance(state: "MASTER", priority: 255)).isEmpty)
    }

    @Test func nopreemptWithStateMasterFires() throws {
        let text = LintTest.instance(state: "MASTER", priority: 150, "    nopreempt")
        let finding = try #require(try LintTest.findings(text).first { $0.rule == .nopreemptWithMaster })
        #expect(finding.location.line == 9)
        #expect(finding.why.contains("clears nopreempt"))
    }

    @Test func nopreemptWithStateBackupStaysQuiet() throws {
        let text = LintTest.instance(state: "BACKUP", priority: 150, "    nopreempt")
        #expect(try LintTest.rules(text).isEmpty)
    }
}
