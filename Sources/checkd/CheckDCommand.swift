import ArgumentParser
import CheckDaemon
import DaemonKit
import KeepalivedConfig

/// `checkd`: vrrp_script runs and real-server health checks. Wiring only; the work is in
/// CheckDaemon and the libraries.
@main
struct CheckDCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkd", abstract: "keepalive's checkd: vrrp_script runs and real-server health checks.",
        version: KeepaliveVersion.current)

    @OptionGroup var options: DaemonOptions

    func run() async throws {
        try await DaemonMain.run(CheckRole(), options: options, identifier: "checkd")
    }
}
