import ArgumentParser
import Foundation
import KeepalivedConfig

extension ConfigCommand {
    /// `kactl config lint`: what keepalived accepts but what breaks real setups.
    struct Lint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Warn about settings that keepalived accepts but that break real setups.",
            discussion: """
                Loads the file as 'config check' does, then prints each trap like a compiler \
                (file:line:column: warning: ...) with why it breaks and what to write instead. \
                Exit status: 0 no lint warnings, 1 lint warnings, 2 the file is refused (its errors \
                are printed as by 'config check').
                """)

        /// Exit status when the file cannot be loaded, apart from 1 (lint warnings found).
        static let refusedExitCode: Int32 = 2

        @OptionGroup var options: FileOptions

        @Flag(help: "Print the findings as JSON on standard output.")
        var json = false

        func run() async throws {
            let report: LintReport
            do {
                report = try ConfigLinter().lint(file: options.file, configID: options.configID)
            } catch {
                if json {
                    try ConfigReport(file: options.file, diagnostics: error.diagnostics).write()
                } else {
                    for diagnostic in error.diagnostics { TerminalStyle.standardError.print(diagnostic) }
                    let errors = error.diagnostics.filter { $0.severity == .error }.count
                    FileHandle.standardError.write(
                        Data("\(options.file): refused: \(plural(errors, "error")), not linted\n".utf8))
                }
                throw ExitCode(Self.refusedExitCode)
            }
            let findings = report.findings
            if json {
                try LintJSON(file: options.file, report: report).write()
            } else {
                let style = TerminalStyle.standardError
                for warning in report.loaded.warnings { style.print(warning) }
                for finding in findings { style.print(finding) }
                print("\(options.file): \(findings.isEmpty ? "clean" : plural(findings.count, "lint warning"))")
            }
            if !findings.isEmpty { throw ExitCode.failure }
        }
    }
}

extension TerminalStyle {
    /// A lint finding like a compiler warning, with its why and fix indented below.
    func print(_ finding: LintFinding) {
        print(finding.diagnostic)
        let label = { (text: String) in colour ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
        handle.write(Data("    \(label("why:")) \(finding.why)\n    \(label("fix:")) \(finding.fix)\n".utf8))
    }
}

/// One diagnostic as `--json` prints it.
struct DiagnosticJSON: Encodable {
    var file: String
    var line: Int
    var column: Int
    var severity: String
    var message: String

    init(_ diagnostic: Diagnostic) {
        file = diagnostic.location.file
        line = diagnostic.location.line
        column = diagnostic.location.column
        severity = diagnostic.severity.rawValue
        message = diagnostic.message
    }
}

/// `kactl config check --json`: whether the file loads, and every diagnostic.
struct ConfigReport: Encodable {
    var file: String
    var ok: Bool
    var errors: [DiagnosticJSON]
    var warnings: [DiagnosticJSON]
    /// Error and warning counts, and when the file loads the number of each block.
    var summary: [String: Int]

    init(file: String, diagnostics: [Diagnostic], configuration: KeepalivedConfiguration? = nil) {
        self.file = file
        errors = diagnostics.filter { $0.severity == .error }.map(DiagnosticJSON.init)
        warnings = diagnostics.filter { $0.severity == .warning }.map(DiagnosticJSON.init)
        ok = errors.isEmpty
        summary = ["errors": errors.count, "warnings": warnings.count]
        if let configuration { summary.merge(blockCounts(of: configuration)) { $1 } }
    }

    func write() throws { try writeJSON(self) }
}

/// `kactl config lint --json`.
struct LintJSON: Encodable {
    struct Finding: Encodable {
        var file: String
        var line: Int
        var column: Int
        var severity = "warning"
        var rule: String
        var message: String
        var why: String
        var fix: String
    }

    var file: String
    /// True when there is nothing to fix.
    var ok: Bool
    var findings: [Finding]
    /// keepalived's own warnings from loading the file.
    var warnings: [DiagnosticJSON]
    var summary: [String: Int]

    init(file: String, report: LintReport) {
        self.file = file
        findings = report.findings.map {
            Finding(
                file: $0.location.file, line: $0.location.line, column: $0.location.column, rule: $0.rule.rawValue,
                message: $0.message, why: $0.why, fix: $0.fix)
        }
        ok = findings.isEmpty
        warnings = report.loaded.warnings.map(DiagnosticJSON.init)
        summary = ["findings": findings.count, "warnings": warnings.count]
    }

    func write() throws { try writeJSON(self) }
}

/// The number of each block, keyed by keepalived's block names.
func blockCounts(of config: KeepalivedConfiguration) -> [String: Int] {
    [
        "vrrp_instance": config.instances.count,
        "vrrp_sync_group": config.syncGroups.count,
        "vrrp_script": config.scripts.count,
        "virtual_server": config.virtualServers.count,
        "real_server": config.virtualServers.reduce(0) { $0 + $1.realServers.count },
    ]
}

/// Pretty, key-sorted JSON on standard output, as `config dump --json` prints.
func writeJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    FileHandle.standardOutput.write(try encoder.encode(value))
    FileHandle.standardOutput.write(Data("\n".utf8))
}
