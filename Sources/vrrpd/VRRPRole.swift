import DaemonKit
import KeepalivedConfig

/// vrrpd's part: `vrrp_*` and `static_*` sections. VRRP on the wire comes with the vrrpd issue;
/// until then it owns its name, serves its root object and reports what it would run.
struct VRRPRole: DaemonRole {
    static let busName = "org.keepalive.Vrrp1"
    static let manageAction = "org.keepalive.vrrp.manage"

    func start(configuration: KeepalivedConfiguration, context: DaemonContext) async throws {
        context.logger.info(
            "Configuration has \(configuration.instances.count) vrrp_instance and \(configuration.syncGroups.count) vrrp_sync_group"
        )
    }
}
