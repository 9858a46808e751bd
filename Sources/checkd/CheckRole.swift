import DaemonKit
import KeepalivedConfig

/// checkd's part: `vrrp_script` and the real-server checkers. The checkers come with the checkd
/// issue; until then it owns its name, serves its root object and reports what it would run.
struct CheckRole: DaemonRole {
    static let busName = "org.keepalive.Check1"
    static let manageAction = "org.keepalive.check.manage"

    func start(configuration: KeepalivedConfiguration, context: DaemonContext) async throws {
        context.logger.info(
            "Configuration has \(configuration.scripts.count) vrrp_script and \(configuration.virtualServers.count) virtual_server"
        )
    }
}
