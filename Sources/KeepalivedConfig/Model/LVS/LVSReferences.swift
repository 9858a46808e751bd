extension KeepalivedConfiguration {
    /// Cross-section checks of the LVS sections: every `virtual_server group NAME` must name a
    /// `virtual_server_group` (keepalived drops such a virtual server with a config error; we
    /// refuse the file so nothing is silently missing); a group name defined twice warns.
    mutating func validateLVSReferences(_ diagnostics: inout Diagnostics) {
        var groups: [String: Set<IPAddress.Family>] = [:]
        groups.reserveCapacity(virtualServerGroups.count)
        for group in virtualServerGroups {
            if groups.updateValue(group.families, forKey: group.name) != nil {
                diagnostics.warning(
                    "virtual_server_group \(group.name) is defined more than once",
                    at: group.origin.location ?? SourceLocation(file: "", line: 0, column: 0))
            }
        }
        validateFileCheckReferences(&diagnostics)
        for index in virtualServers.indices {
            guard case .group(let name) = virtualServers[index].service else { continue }
            guard let families = groups[name] else {
                diagnostics.error(
                    "virtual_server group \(name): no virtual_server_group \(name) is defined",
                    at: virtualServers[index].origin["group"] ?? SourceLocation(file: "", line: 0, column: 0))
                continue
            }
            guard families.count == 1, let family = families.first else { continue }
            let method = virtualServers[index].forwardingMethod.kind
            for real in virtualServers[index].realServers.indices {
                let address = virtualServers[index].realServers[real].address
                let kind = virtualServers[index].realServers[real].forwardingMethod?.kind ?? method
                if address.family != family, kind != .tun {
                    diagnostics.error(
                        "real_server \(address) is not in the address family of virtual_server_group \(name); "
                            + "only tunnelled real servers may differ",
                        at: virtualServers[index].realServers[real].origin.location
                            ?? SourceLocation(file: "", line: 0, column: 0))
                }
            }
        }
    }

    /// Every FILE_CHECK must follow a `track_file` (or `vrrp_track_file`) block that exists;
    /// keepalived reports "track_file NAME not found" and drops the checker.
    func validateFileCheckReferences(_ diagnostics: inout Diagnostics) {
        let trackFileNames = Set(trackFiles.map(\.name))
        for server in virtualServers.indices {
            for real in virtualServers[server].realServers.indices {
                for checker in virtualServers[server].realServers[real].checkers {
                    guard case .file(let check) = checker, !trackFileNames.contains(check.trackFile) else { continue }
                    diagnostics.error(
                        "FILE_CHECK: track_file \(check.trackFile) is not defined",
                        at: check.origin["track_file"] ?? SourceLocation(file: "", line: 0, column: 0))
                }
            }
        }
    }

    /// The `virtual_server_group` a virtual server serves, if it names one.
    public func group(of server: VirtualServer) -> VirtualServerGroup? {
        guard case .group(let name) = server.service else { return nil }
        return virtualServerGroups.first { $0.name == name }
    }
}
