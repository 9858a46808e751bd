import ArgumentParser
import Foundation
import KeepalivedConfig

/// `kactl config check|dump`: reads a keepalived.conf the way the daemons will.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check, lint or print a keepalived.conf file.",
        subcommands: [Check.self, Lint.self, Dump.self]
    )

    /// Options shared by every config subcommand.
    struct FileOptions: ParsableArguments {
        @Option(name: [.short, .customLong("config")], help: "The configuration file.")
        var file: String = "/etc/keepalived/keepalived.conf"

        @Option(
            name: [.short, .customLong("config-id")], help: "Selects @id lines (default: the host name's first label).")
        var configID: String?
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print errors and warnings like a compiler; exit 1 when the file would be refused.")

        @OptionGroup var options: FileOptions

        @Flag(help: "Print the result as JSON on standard output (same exit status).")
        var json = false

        func run() async throws {
            let style = TerminalStyle.standardError
            let loaded: LoadedConfiguration
            do {
                loaded = try ConfigLoader(configID: options.configID).load(file: options.file)
            } catch {
                if json {
                    try ConfigReport(file: options.file, diagnostics: error.diagnostics).write()
                    throw ExitCode.failure
                }
                for diagnostic in error.diagnostics { style.print(diagnostic) }
                let errors = error.diagnostics.filter { $0.severity == .error }.count
                let warnings = error.diagnostics.count - errors
                FileHandle.standardError.write(
                    Data("\(options.file): refused: \(plural(errors, "error")), \(plural(warnings, "warning"))\n".utf8))
                throw ExitCode.failure
            }
            if json {
                try ConfigReport(file: options.file, diagnostics: loaded.warnings, configuration: loaded.configuration)
                    .write()
                return
            }
            for warning in loaded.warnings { style.print(warning) }
            print(
                "\(options.file): OK: \(summary(of: loaded.configuration)); \(plural(loaded.warnings.count, "warning"))"
            )
        }
    }

    struct Dump: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the configuration as the daemons understand it: keepalived.conf text, or JSON.")

        @OptionGroup var options: FileOptions

        @Flag(help: "Print the model as JSON.")
        var json = false

        func run() async throws {
            let loaded: LoadedConfiguration
            do {
                loaded = try ConfigLoader(configID: options.configID).load(file: options.file)
            } catch {
                for diagnostic in error.diagnostics { TerminalStyle.standardError.print(diagnostic) }
                throw ExitCode.failure
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                FileHandle.standardOutput.write(try encoder.encode(loaded.configuration))
                print()
            } else {
                print(loaded.configuration.rendered, terminator: "")
            }
        }
    }
}

/// What the file configures, in keepalived's block names.
func summary(of config: KeepalivedConfiguration) -> String {
    let counts: [(Int, String)] = [
        (config.instances.count, "vrrp_instance"),
        (config.syncGroups.count, "vrrp_sync_group"),
        (config.scripts.count, "vrrp_script"),
        (config.virtualServers.count, "virtual_server"),
        (config.virtualServers.reduce(0) { $0 + $1.realServers.count }, "real_server"),
    ]
    return counts.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
}

func plural(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}
