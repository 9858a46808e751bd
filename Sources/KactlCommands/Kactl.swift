import ArgumentParser
import Foundation
import KeepalivedConfig

/// `kactl`: query and control the keepalive daemons over D-Bus, and check configurations.
public struct Kactl: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "kactl",
        abstract: "Query and control keepalive (vrrpd, checkd, ipvsd) and check keepalived.conf files.",
        discussion: """
            Talks to the daemons over the D-Bus system bus only. Exit status: 0 done, 1 failed, 2 bad \
            usage, 3 a daemon that is needed is not running. Messages go to standard error; colours \
            only on a terminal, never with NO_COLOR set.
            """,
        version: KeepaliveVersion.current,
        subcommands: [
            StatusCommand.self, MonitorCommand.self, ReloadCommand.self, SetPriorityCommand.self,
            ResetPriorityCommand.self, SwitchoverCommand.self, DrainCommand.self, EnableCommand.self,
            DisableCommand.self, ConfigCommand.self, ScanCommand.self, GenhashCommand.self,
        ]
    )

    /// `--bus-address` before the subcommand name too: each subcommand's group of the same type
    /// receives it.
    @OptionGroup var bus: BusOptions

    public init() {}

    /// Exit codes for scripts: 0 ok, 1 failure, 2 usage, 3 a daemon not running.
    public static let usageExitCode: Int32 = 2

    /// ArgumentParser's own `main`, except that usage errors exit 2 (as systemctl and grep do)
    /// rather than EX_USAGE (64).
    public static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(usageExitCode)
            }
            exit(withError: error)
        }
    }
}
