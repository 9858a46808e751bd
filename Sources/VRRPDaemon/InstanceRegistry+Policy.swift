import KeepalivedConfig
import Logging
import Netlink

extension InstanceRegistry {
    /// Adds the `static_*` lines, removing those a reload dropped; the failures are logged and
    /// the rest stays (keepalived goes on the same way).
    func applyStaticNetwork(_ configuration: KeepalivedConfiguration, logger: Logger) {
        let fresh: StaticNetwork
        do {
            fresh = try StaticNetwork(configuration, netlink: try RouteNetlink())
        } catch {
            logger.error("static addresses, routes and rules not applied: \(error)")
            return
        }
        guard !(fresh.isEmpty && staticNetwork == nil) else { return }
        for failure in fresh.replace(staticNetwork) { logger.error("static: \(failure)") }
        staticNetwork = fresh
    }

    /// Creates the `no_accept` table the first time an instance needs it.
    func prepareFirewall(for instances: [InstanceSettings], logger: Logger) {
        guard firewall == nil,
            instances.contains(where: { $0.policy.dropsTrafficToVIPs(basePriority: $0.priority) })
        else { return }
        firewall = AcceptModeFirewall(logger: logger)
    }
}
