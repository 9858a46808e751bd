extension KeepalivedConfiguration {
    /// Checks across VRRP sections and applies the defaults that depend on global_defs, as
    /// keepalived does once the whole file is read.
    mutating func validateVRRPReferences(_ diagnostics: inout Diagnostics) {
        for index in instances.indices {
            instances[index].finish(globalDefinitions, &diagnostics)
        }
        let scriptNames = Set(scripts.map(\.name))
        let fileNames = Set(trackFiles.map(\.name))
        for instance in instances {
            Self.checkTracking(instance.trackScripts, "track script", scriptNames, owner: instance.name, &diagnostics)
            Self.checkTracking(instance.trackFiles, "track file", fileNames, owner: instance.name, &diagnostics)
        }
        validateSyncGroups(&diagnostics)
        var seenInstances: Set<String> = []
        for instance in instances where !seenInstances.insert(instance.name).inserted {
            diagnostics.error(
                "vrrp instance \(instance.name) already defined", at: instance.origin.location ?? Self.nowhere)
        }
    }

    /// Members exist and belong to one group only; tracking that keepalived ignores or frowns on warns.
    private func validateSyncGroups(_ diagnostics: inout Diagnostics) {
        let scriptsByName = Dictionary(scripts.map { ($0.name, $0) }) { first, _ in first }
        let filesByName = Dictionary(trackFiles.map { ($0.name, $0) }) { first, _ in first }
        let instanceNames = Set(instances.map(\.name))
        var seenMembers: [String: String] = [:]
        for group in syncGroups {
            if group.globalTracking {
                diagnostics.warning(
                    "(\(group.name)) global_tracking is deprecated, use track_interface/script/file on the sync group",
                    at: group.origin["global_tracking"] ?? Self.nowhere)
            }
            Self.checkTracking(
                group.trackScripts, "track script", Set(scriptsByName.keys), owner: group.name, &diagnostics)
            Self.checkTracking(group.trackFiles, "track file", Set(filesByName.keys), owner: group.name, &diagnostics)
            let groupInterfaces = Set(group.trackInterfaces.map(\.name))
            for instance in instances where group.members.contains(instance.name) {
                if !group.syncGroupTrackingWeight {
                    instance.warnAboutSyncGroupWeights(scripts: scriptsByName, files: filesByName, &diagnostics)
                }
                for item in instance.trackInterfaces where groupInterfaces.contains(item.name) {
                    diagnostics.warning(
                        "(\(instance.name)) track_interface \(item.name) is configured on VRRP instance and sync group",
                        at: item.origin.location ?? Self.nowhere)
                }
            }
            for member in group.members {
                guard let location = group.origin.keywords[SyncGroup.memberKey(member)] ?? group.origin["group"]
                else { continue }
                if !instanceNames.contains(member) {
                    diagnostics.error(
                        "virtual router \(member) specified in sync group \(group.name) doesn't exist", at: location)
                } else if let other = seenMembers[member] {
                    diagnostics.error(
                        "virtual router \(member) cannot exist in more than one sync group: \(group.name), already in \(other)",
                        at: location)
                }
                seenMembers[member] = group.name
            }
        }
    }

    static let nowhere = SourceLocation(file: "<model>", line: 0, column: 0)

    /// keepalived warns about and ignores a tracked script or file that is not defined.
    private static func checkTracking(
        _ items: [TrackedItem], _ kind: String, _ defined: Set<String>, owner: String, _ diagnostics: inout Diagnostics
    ) {
        for item in items where !defined.contains(item.name) {
            diagnostics.warning(
                "(\(owner)) \(kind) \(item.name) not found, ignoring", at: item.origin.location ?? nowhere)
        }
    }
}

extension VRRPInstance {
    /// Everything about one instance that needs global_defs: defaults, strict mode, conflicts.
    mutating func finish(_ global: GlobalDefinitions, _ diagnostics: inout Diagnostics) {
        applyDefaults(global, &diagnostics)
        if strictMode ?? global.vrrpStrict {
            applyStrictMode(globalDownTimerAdverts: global.vrrpDownTimerAdverts, &diagnostics)
        } else if virtualAddresses.isEmpty {
            diagnostics.warning(
                "(\(name)) No VIP specified; at least one is sensible",
                at: origin.location ?? KeepalivedConfiguration.nowhere)
        }
        resolveConflicts(global, &diagnostics)
        if vmacTransmitBase && useVMAC == nil {
            diagnostics.warning(
                "(\(name)) vmac_xmit_base is only valid with a vmac, ignored",
                at: origin["vmac_xmit_base"] ?? KeepalivedConfiguration.nowhere)
            vmacTransmitBase = false
        }
    }

    /// The version and advert interval rules, once global_defs is known.
    mutating func applyDefaults(_ global: GlobalDefinitions, _ diagnostics: inout Diagnostics) {
        let location = origin.location ?? KeepalivedConfiguration.nowhere
        let versionSet = origin.keywords["version"] != nil
        if !versionSet { version = global.vrrpVersion ?? 2 }
        if let family = virtualAddresses.first?.address.address.family,
            let stranger = virtualAddresses.first(where: { $0.address.address.family != family })
        {
            diagnostics.error(
                "(\(name)) address family must match VRRP instance [\(stranger.address.address)]; "
                    + "put it in virtual_ipaddress_excluded",
                at: stranger.origin.location ?? location)
        }
        if isIPv6 && version == 2 {
            let strict = strictMode ?? global.vrrpStrict
            if strict && versionSet {
                diagnostics.error("(\(name)) cannot use IPv6 with VRRP version 2", at: origin["version"] ?? location)
            } else if versionSet {
                diagnostics.warning(
                    "(\(name)) cannot use IPv6 with VRRP version 2; using version 3", at: origin["version"] ?? location)
            }
            version = 3
        }
        checkAddressFamilies(&diagnostics)
        let advertLocation = origin["advert_int"] ?? location
        if version == 2 && advertInterval != advertInterval.rounded() {
            diagnostics.error(
                "(\(name)) VRRPv2 advertisement interval \(advertInterval.formatted)s must be an integer (keepalived would round it)",
                at: advertLocation)
        } else if version == 3 {
            let hundredths = (advertInterval * 100).rounded()
            if abs(hundredths - advertInterval * 100) > 1e-6 {
                diagnostics.error(
                    "(\(name)) VRRPv3 advertisement interval \(advertInterval.formatted)s must be in units of 10ms (keepalived would round it)",
                    at: advertLocation)
            }
        }
    }

    /// keepalived: the source address, unicast peers and multicast group "MUST be of the same
    /// family" as the instance, which its VIPs (or native_ipv6) decide.
    private func checkAddressFamilies(_ diagnostics: inout Diagnostics) {
        guard nativeIPv6 || !virtualAddresses.isEmpty else { return }
        let family: IPAddress.Family = isIPv6 ? .inet6 : .inet
        func check(_ address: IPAddress?, _ what: String, at location: SourceLocation?) {
            guard let address, address.family != family else { return }
            diagnostics.error(
                "(\(name)) \(what) \(address) must be of the same family as the instance (\(family.rawValue))",
                at: location ?? origin.location ?? KeepalivedConfiguration.nowhere)
        }
        check(sourceAddress, "source address", at: origin.keywords["unicast_src_ip"] ?? origin.keywords["mcast_src_ip"])
        check(multicastGroup, "multicast group", at: origin.keywords["mcast_dst_ip"])
        for peer in unicastPeers { check(peer.address, "unicast peer", at: peer.origin.location) }
    }
}
