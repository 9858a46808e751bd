import ArgumentParser
import DaemonKit
import KeepalivedConfig
import VRRPDaemon

/// `vrrpd`: VRRP adverts and virtual IP addresses. Wiring only; the work is in `VRRPDaemon`.
@main
struct VRRPDCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vrrpd", abstract: "keepalive's vrrpd: VRRP adverts and virtual IP addresses.",
        version: KeepaliveVersion.current)

    @OptionGroup var options: DaemonOptions

    func run() async throws {
        try await DaemonMain.run(VRRPRole(), options: options, identifier: "vrrpd")
    }
}
