import IPVS
import KeepalivedConfig

extension TableState {
    struct Built {
        var table = IPVSTable()
        var frozen: Set<IPVSService.Key> = []
        var views: [VirtualServerView] = []
    }

    /// The table the configuration and the reports want, without touching quorum state.
    ///
    /// A real server is in its services with its weight when up; with weight 0 when down and
    /// `inhibit_on_failure` (or DRAINED); absent when down, DISABLED, or while the sorry server
    /// stands in for the pool (quorum lost with a `sorry_server`: live servers leave, or go to
    /// weight 0 with inhibit, as keepalived does). The sorry server is there only then, or
    /// always at weight 0 with `sorry_server_inhibit`.
    func build() -> Built {
        var built = Built()
        for (server, realServerNames) in zip(servers, realServerNames) {
            let name = server.displayName
            let rule = QuorumRule(server)
            let statuses = statuses(of: server, realServerNames: realServerNames)
            let weight = Self.liveWeight(statuses)
            let up = quorumUp[name] ?? rule.initiallyUp(liveWeight: weight)
            let sorryActive = !up && server.sorryServer != nil
            let suspended = server.haSuspend && self.suspended.contains(name)
            var view = VirtualServerView(
                name: name, keys: [], scheduler: server.scheduler.rawValue,
                protocolName: server.effectiveProtocol?.rawValue ?? "FWM",
                forwarding: server.forwardingMethod.kernelForwarding, quorum: rule, quorumUp: up,
                liveWeight: weight, sorryServerActive: sorryActive, suspended: suspended, destinations: [], error: nil)
            let keys: [IPVSService.Key]
            var services: [IPVSService] = []
            do throws(TableError) {
                keys = try ServiceExpansion.keys(of: server, groups: groups)
                for key in keys { services.append(try ServiceExpansion.service(key, of: server)) }
            } catch {
                view.error = error
                built.views.append(view)
                continue
            }
            view.keys = keys
            view.destinations = destinations(
                of: server, statuses: statuses, names: realServerNames, sorryActive: sorryActive)
            for service in services {
                let members = zip(server.realServers, view.destinations).compactMap { real, destination in
                    kernelDestination(destination, address: real.address, port: real.port, real: real, key: service.key)
                }
                var entry = IPVSTable.Entry(service: service, destinations: members)
                if let sorry = server.sorryServer, let last = view.destinations.last, last.isSorryServer,
                    let destination = kernelDestination(
                        last, address: sorry.address, port: sorry.port, real: nil, key: service.key)
                {
                    entry.destinations[destination.endpoint] = entry.destinations[destination.endpoint] ?? destination
                }
                built.table.entries[service.key] = entry
                if suspended { built.frozen.insert(service.key) }
            }
            built.views.append(view)
        }
        return built
    }

    /// Each real server's place in the table, then the sorry server's (when there is one).
    private func destinations(
        of server: VirtualServer, statuses: [RealServerStatus], names: [String], sorryActive: Bool
    ) -> [VirtualServerView.Destination] {
        let method = server.forwardingMethod
        var list: [VirtualServerView.Destination] = server.realServers.indices.map { index in
            let real = server.realServers[index]
            let status = statuses[index]
            let state: VirtualServerView.DestinationState
            let inhibited: VirtualServerView.DestinationState = status.inhibit ? .inhibited : .removed
            if status.adminState == .disabled {
                state = .removed
            } else if !status.healthy || sorryActive {
                state = inhibited
            } else {
                state = status.weight > 0 ? .active : .inhibited
            }
            return VirtualServerView.Destination(
                name: names[index], state: state, weight: state == .active ? status.weight : 0,
                forwarding: (real.forwardingMethod ?? method).kernelForwarding, healthy: status.healthy,
                isSorryServer: false)
        }
        if let sorry = server.sorryServer {
            let state: VirtualServerView.DestinationState =
                sorryActive ? .active : server.sorryServerInhibit ? .inhibited : .removed
            list.append(
                VirtualServerView.Destination(
                    name: ServerName.endpoint(sorry.address, sorry.port) + " (sorry server)", state: state,
                    weight: sorryActive ? 1 : 0,
                    forwarding: (server.sorryServerForwardingMethod ?? method).kernelForwarding, healthy: true,
                    isSorryServer: true))
        }
        return list
    }

    /// The kernel destination for one service: the real server's port, else the service's.
    private func kernelDestination(
        _ destination: VirtualServerView.Destination, address: ConfigAddress, port: Int?, real: RealServer?,
        key: IPVSService.Key
    ) -> IPVSDestination? {
        guard destination.state != .removed else { return nil }
        let servicePort: UInt16 =
            switch key {
            case .address(_, _, let port): port
            case .firewallMark: 0
            }
        return IPVSDestination(
            address.kernelAddress, port: port.map { UInt16($0) } ?? servicePort, forwarding: destination.forwarding,
            weight: Int32(clamping: destination.weight), upperThreshold: UInt32(clamping: real?.upperThreshold ?? 0),
            lowerThreshold: UInt32(clamping: real?.lowerThreshold ?? 0))
    }
}
