import ArgumentParser
import DaemonKit
import IPVSDaemon
import KeepalivedConfig

/// `ipvsd`: the kernel IPVS table from virtual_server blocks. Wiring only; the work is in its role and the libraries.
@main
struct IPVSDCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ipvsd", abstract: "keepalive's ipvsd: the kernel IPVS table from virtual_server blocks.",
        version: KeepaliveVersion.current)

    @OptionGroup var options: DaemonOptions

    func run() async throws {
        try await DaemonMain.run(IPVSRole(), options: options, identifier: "ipvsd")
    }
}
