import ArgumentParser
import KeepalivedConfig

/// `kactl`: query and control the keepalive daemons over D-Bus, and check configurations.
public struct Kactl: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "kactl",
        abstract: "Query and control keepalive (vrrpd, checkd, ipvsd) and check keepalived.conf files.",
        version: KeepaliveVersion.current,
        subcommands: [ConfigCommand.self]
    )

    public init() {}
}
