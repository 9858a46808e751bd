extension KeepalivedConfiguration {
    /// Cross-section checks of the LVS sections: every `virtual_server group NAME` must name a
    /// `virtual_server_group` (keepalived drops such a virtual server with a config error; we
    /// refuse the file so nothing is silently missing), and group names are unique.
    mutating func validateLVSReferences(_ diagnostics: inout Diagnostics) {
        var groups: [String: VirtualServerGroup] = [:]
        groups.reserveCapacity(virtualServerGroups.count)
        for group in virtualServerGroups {
            if groups[group.name] != nil {
                diagnostics.error(
                    "virtual_server_group \(group.name) is defined twice",
                    at: group.origin.location ?? SourceLocation(file: "", line: 0, column: 0))
            }
            groups[group.name] = group
        }
        validateFileCheckReferences(&diagnostics)
        for server in virtualServers {
            guard case .group(let name) = server.service else { continue }
            if groups[name] == nil {
                diagnostics.error(
                    "virtual_server group \(name): no virtual_server_group \(name) is defined",
                    at: server.origin["group"] ?? SourceLocation(file: "", line: 0, column: 0))
            }
        }
    }

    /// Every FILE_CHECK must follow a `track_file` (or `vrrp_track_file`) block that exists;
    /// keepalived reports "track_file NAME not found" and drops the checker.
    func validateFileCheckReferences(_ diagnostics: inout Diagnostics) {
        let trackFileNames = Set(trackFiles.map(\.name))
        for server in virtualServers {
            for real in server.realServers {
                for case .file(let check) in real.checkers where !trackFileNames.contains(check.trackFile) {
                    diagnostics.error(
                        "FILE_CHECK: track_file \(check.trackFile) is not defined",
                        at: check.origin["track_file"] ?? real.origin.location
                            ?? SourceLocation(file: "", line: 0, column: 0))
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
