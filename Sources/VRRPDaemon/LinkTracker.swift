import Logging
import Netlink

/// Follows links with netlink notifications and tells the instances: `track_interface` (and
/// each instance's own interface) going down means FAULT or a weight, as in keepalived.
enum LinkTracker {
    /// Runs until cancelled. Subscribes first, then reads every link once, so no change
    /// between the instances' start and the subscription goes unseen.
    static func run(registry: InstanceRegistry, logger: Logger) async throws {
        let netlink = try RouteNetlink()
        let events = try netlink.events()
        try await resync(netlink, registry)
        for await event in events {
            switch event {
            case .linkAdded(let link), .linkUp(let link), .linkDown(let link), .linkChanged(let link):
                await registry.interfaceChanged(link.name, operational: link.isOperational)
            case .linkRemoved(let link):
                await registry.interfaceChanged(link.name, operational: false)
            case .eventsLost:
                logger.warning("Netlink notifications were lost; re-reading every link")
                try await resync(netlink, registry)
            case .addressAdded, .addressRemoved:
                break
            }
        }
    }

    private static func resync(_ netlink: RouteNetlink, _ registry: InstanceRegistry) async throws {
        for link in try netlink.links() {
            await registry.interfaceChanged(link.name, operational: link.isOperational)
        }
    }
}
