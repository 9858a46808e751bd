import DaemonKit
import KeepalivedConfig
import Netlink

/// ipvsd's part: `virtual_server` blocks applied to the kernel's IPVS table. It refuses to start
/// on a kernel without IPVS rather than pretend: keepalived's checker dies there silently.
struct IPVSRole: DaemonRole {
    static let busName = "org.keepalive.Ipvs1"
    static let manageAction = "org.keepalive.ipvs.manage"

    func start(configuration: KeepalivedConfiguration, context: DaemonContext) async throws {
        let family: UInt16
        do {
            family = try GenericNetlink().familyID(named: "IPVS")
        } catch let error as NetlinkError where error.isNotFound {
            throw IPVSUnavailable()
        }
        context.logger.info(
            "IPVS generic netlink family \(family); configuration has \(configuration.virtualServers.count) virtual_server"
        )
    }
}

struct IPVSUnavailable: Error, CustomStringConvertible {
    var description: String {
        "the kernel has no IPVS (generic netlink family IPVS not found): load it with 'modprobe ip_vs'"
    }
}
