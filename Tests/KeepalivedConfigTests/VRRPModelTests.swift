import Testing

@testable import KeepalivedConfig

/// The VRRP sections read into the model with keepalived's defaults, synonyms and warnings.
@Suite struct VRRPModelTests {
    static let minimal = """
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 7
            virtual_ipaddress {
                192.0.2.7
            }
        }
        """

    @Test func defaultsAreApplied() throws {
        let instance = try #require(VRRPModelText.model(Self.minimal).instances.first)
        #expect(instance.priority == 100)
        #expect(instance.advertInterval == 1)
        #expect(instance.version == 2)
        #expect(instance.preempt)
        #expect(instance.initialState == nil)
        #expect(instance.virtualAddresses.first?.address.length == 32)
    }

    @Test func versionComesFromGlobalVRRPVersion() throws {
        let configuration = try VRRPModelText.model("global_defs {\n    vrrp_version 3\n}\n" + Self.minimal)
        #expect(configuration.instances.first?.version == 3)
    }

    @Test func instanceVersionOverridesGlobal() throws {
        let text =
            "global_defs {\n    vrrp_version 3\n}\n"
            + Self.minimal.replacingOccurrences(
                of: "interface eth0", with: "interface eth0\n    version 2")
        #expect(try VRRPModelText.model(text).instances.first?.version == 2)
    }

    /// keepalived runs an IPv6 instance as version 3 (silently unless the version was set).
    @Test func ipv6InstanceUsesVersion3() throws {
        let text = Self.minimal.replacingOccurrences(of: "192.0.2.7", with: "fe80::7")
        #expect(try VRRPModelText.model(text).instances.first?.version == 3)
        let explicit = try VRRPModelText.load(
            text.replacingOccurrences(of: "interface eth0", with: "interface eth0\n    version 2"))
        #expect(explicit.configuration.instances.first?.version == 3)
        #expect(explicit.warnings.map(\.message) == ["(VI_1) cannot use IPv6 with VRRP version 2; using version 3"])
    }

    @Test func version3AcceptsHundredths() throws {
        let text = Self.minimal.replacingOccurrences(
            of: "interface eth0", with: "interface eth0\n    version 3\n    advert_int 0.35")
        #expect(try VRRPModelText.model(text).instances.first?.advertInterval == 0.35)
    }

    @Test func undefinedTrackScriptWarnsAndLoads() throws {
        let text = Self.minimal.replacingOccurrences(
            of: "interface eth0", with: "interface eth0\n    track_script {\n        nothere weight 5\n    }")
        let loaded = try VRRPModelText.load(text)
        let warning = try #require(loaded.warnings.first)
        #expect(loaded.warnings.count == 1)
        #expect(warning.message == "(VI_1) track script nothere not found, ignoring")
        #expect(warning.location == KeepalivedConfig.SourceLocation(file: "test.conf", line: 4, column: 9))
        #expect(loaded.configuration.instances.first?.trackScripts == [TrackedItem(name: "nothere", weight: 5)])
    }

    @Test func unknownKeywordWarnsAndKnownRawKeywordIsKept() throws {
        let text = Self.minimal.replacingOccurrences(
            of: "interface eth0", with: "interface eth0\n    frobnicate 3\n    use_ipvlan ipvl0 192.0.2.99/24 private")
        let loaded = try VRRPModelText.load(text)
        #expect(loaded.warnings.map(\.message) == ["unknown keyword 'frobnicate' in vrrp_instance, ignored"])
        #expect(loaded.warnings.first?.location.line == 3)
        let raw = try #require(loaded.configuration.instances.first?.otherOptions.first)
        #expect(raw == RawStatement(keyword: "use_ipvlan", arguments: ["ipvl0", "192.0.2.99/24", "private"]))
    }

    @Test func nopreemptWithMasterStateIsClearedWithAWarning() throws {
        let text = Self.minimal.replacingOccurrences(
            of: "interface eth0", with: "interface eth0\n    state MASTER\n    nopreempt")
        let loaded = try VRRPModelText.load(text)
        #expect(loaded.configuration.instances.first?.preempt == true)
        #expect(loaded.warnings.first?.location.line == 4)
    }

    @Test func historicSpellingsAreAccepted() throws {
        let text = """
            vrrp_track_file tf {
                file /tmp/state
            }
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 9
                mcast_src_ip 192.0.2.2
                virtual_ipaddress {
                    192.0.2.9
                }
                virtual_routes {
                    to 10.0.0.0/8 gw 192.0.2.1
                }
                virtual_rules {
                    from 10.0.0.0/8 lookup 5 preference 10
                }
                track_file {
                    tf
                }
            }
            """
        let loaded = try VRRPModelText.load(text)
        let instance = try #require(loaded.configuration.instances.first)
        #expect(instance.sourceAddress == IPAddress("192.0.2.2"))
        #expect(instance.virtualRoutes.first?.destination == IPPrefix("10.0.0.0/8"))
        #expect(instance.virtualRoutes.first?.gateway == IPAddress("192.0.2.1"))
        #expect(instance.virtualRules.first?.table == "5")
        #expect(instance.virtualRules.first?.priority == 10)
        #expect(loaded.configuration.trackFiles.first?.weight == 1)
        #expect(loaded.warnings.map(\.message) == ["'gw' for routes is deprecated, use 'via'"])
    }

    @Test func notifyKeepsQuotedCommandLineAndUser() throws {
        let text = Self.minimal.replacingOccurrences(
            of: "interface eth0",
            with:
                "interface eth0\n    notify_master \"/bin/notify.sh master 'VI 1'\" nobody nogroup\n    notify_deleted")
        let instance = try #require(VRRPModelText.model(text).instances.first)
        #expect(instance.notify.master?.command == "/bin/notify.sh master 'VI 1'")
        #expect(instance.notify.master?.runAs == ScriptUser(user: "nobody", group: "nogroup"))
        #expect(instance.notify.deleted == NotifyScripts.NotifyDeleted(script: nil))
        #expect(
            VRRPModelText.render(instance).contains("notify_master \"/bin/notify.sh master 'VI 1'\" nobody nogroup"))
    }

    @Test func scriptAndTrackFileDefaults() throws {
        let text = """
            vrrp_script chk {
                script "/bin/check --fast"
            }
            track_file tf {
                file /run/tf
                init_file
            }
            """
        let configuration = try VRRPModelText.model(text)
        let script = try #require(configuration.scripts.first)
        #expect(script.script == "/bin/check --fast")
        #expect(script.interval == 1)
        #expect(script.weight == 0)
        #expect(script.rise == 1)
        #expect(script.fall == 1)
        #expect(script.timeout == nil)
        #expect(configuration.trackFiles.first?.initFile == TrackFile.InitFile(value: 0, overwrite: false))
    }

    @Test func unicastInstanceNeedsNoInterface() throws {
        let text = """
            vrrp_instance VI_U {
                virtual_router_id 3
                unicast_src_ip 192.0.2.1
                unicast_peer {
                    192.0.2.2
                }
                virtual_ipaddress {
                    192.0.2.3 dev eth0
                }
            }
            """
        let instance = try #require(VRRPModelText.model(text).instances.first)
        #expect(instance.interface == nil)
        #expect(instance.unicastPeers.map(\.address) == [IPAddress("192.0.2.2")])
        #expect(VRRPModelText.render(instance).contains("unicast_src_ip 192.0.2.1"))
    }

    @Test func staticSectionsUseTheVirtualEntrySyntax() throws {
        let text = """
            static_ipaddress {
                192.0.2.5/24 dev eth0 scope link
            }
            static_routes {
                src 192.0.2.5 198.51.100.0/24 via 192.0.2.1 dev eth0 mtu 1400
            }
            static_rules {
                to 198.51.100.0/24 table 7 priority 70 uidrange 10000-19999
            }
            """
        let configuration = try VRRPModelText.model(text)
        #expect(configuration.staticAddresses.first?.address == IPPrefix("192.0.2.5/24"))
        let route = try #require(configuration.staticRoutes.first)
        #expect(route.source == IPAddress("192.0.2.5"))
        #expect(route.additionalOptions == ["mtu", "1400"])
        let rule = try #require(configuration.staticRules.first)
        #expect(rule.to == IPPrefix("198.51.100.0/24"))
        #expect(rule.additionalOptions == ["uidrange", "10000-19999"])
    }
}

extension VRRPModelTests {
    /// keepalived: "No script set for vrrp_script X - removing", then the tracking warning.
    @Test func scriptWithoutScriptIsDroppedWithWarnings() throws {
        let text =
            "vrrp_script chk {\n    interval 2\n}\n"
            + Self.minimal.replacingOccurrences(
                of: "interface eth0", with: "interface eth0\n    track_script {\n        chk\n    }")
        let loaded = try VRRPModelText.load(text)
        #expect(loaded.configuration.scripts.isEmpty)
        #expect(
            loaded.warnings.map(\.message) == [
                "no script set for vrrp_script chk, removed", "(VI_1) track script chk not found, ignoring",
            ])
    }

    /// keepalived 2.2.7 knows notify_deleted in an instance but not in a sync group.
    @Test func notifyDeletedInSyncGroupIsUnknown() throws {
        let text = "vrrp_sync_group G {\n    group {\n        VI_1\n    }\n    notify_deleted\n}\n" + Self.minimal
        let loaded = try VRRPModelText.load(text)
        #expect(loaded.warnings.map(\.message) == ["unknown keyword 'notify_deleted' in vrrp_sync_group, ignored"])
        #expect(loaded.configuration.syncGroups.first?.notify.deleted == nil)
    }

    @Test func decimalsPrintWithoutExponent() {
        #expect(0.000001.formatted == "0.000001")
        #expect(0.000015.formatted == "0.000015")
        #expect(2.5e-5.formatted == "0.000025")
        #expect(0.25.formatted == "0.25")
        #expect(5.0.formatted == "5")
        #expect((-0.0000012).formatted == "-0.0000012")
    }

    /// vrrp_strict: what keepalived resets (with a message) is reset, with a warning each.
    @Test func strictModeResetsWhatKeepalivedResets() throws {
        let text =
            "global_defs {\n    vrrp_strict\n}\n"
            + Self.minimal.replacingOccurrences(
                of: "interface eth0",
                with: """
                    interface eth0
                        state MASTER
                        authentication {
                            auth_type PASS
                            auth_pass 1234
                        }
                        preempt_delay 5
                        accept
                        lower_prio_no_advert false
                        higher_prio_send_advert true
                    """)
        let loaded = try VRRPModelText.load(text)
        let instance = try #require(loaded.configuration.instances.first)
        #expect(instance.authentication == nil)
        #expect(instance.preemptDelay == nil)
        #expect(instance.accept == nil)
        #expect(instance.lowerPriorityNoAdvert == nil)
        #expect(instance.higherPrioritySendAdvert == nil)
        // keepalived derives the state from the priority instead: BACKUP below 255.
        #expect(instance.initialState == nil)
        #expect(loaded.warnings.map(\.location.line) == [6, 7, 11, 12, 13, 14])
        #expect(loaded.warnings.first?.message == "(VI_1) State MASTER must match being address owner (priority 255)")
    }

    /// Without sync_group_tracking_weight keepalived ignores members' tracking weights.
    @Test func syncGroupMembersTrackingWeightsWarn() throws {
        let text = """
            vrrp_script chk {
                script /bin/true
                weight 10
            }
            vrrp_sync_group G {
                group {
                    VI_1
                }
            }
            """ + "\n"
            + Self.minimal.replacingOccurrences(
                of: "interface eth0",
                with:
                    "interface eth0\n    track_script {\n        chk\n    }\n    track_interface {\n        eth1 weight 0\n    }"
            )
        let loaded = try VRRPModelText.load(text)
        #expect(loaded.warnings.map(\.message) == ["(VI_1) ignoring tracked script chk with weights due to SYNC group"])
        #expect(loaded.warnings.first?.location.line == 13)
        let tolerant = try VRRPModelText.load(
            text.replacingOccurrences(
                of: "group {\n        VI_1\n    }", with: "group {\n        VI_1\n    }\n    sync_group_tracking_weight"
            ))
        #expect(tolerant.warnings.isEmpty)
    }

    /// Settings another setting rules out are reset with keepalived's reason, as keepalived -t shows.
    @Test func conflictingSettingsAreResetWithWarnings() throws {
        let text = Self.minimal.replacingOccurrences(
            of: "interface eth0",
            with: """
                interface eth0
                    version 3
                    authentication {
                        auth_type PASS
                        auth_pass 1234
                    }
                    nopreempt
                    preempt_delay 10
                    mcast_dst_ip 224.0.0.30
                    unicast_peer {
                        192.0.2.99
                    }
                """)
        let loaded = try VRRPModelText.load(text)
        let instance = try #require(loaded.configuration.instances.first)
        #expect(instance.authentication == nil)
        #expect(instance.preemptDelay == nil)
        #expect(instance.multicastGroup == nil)
        #expect(!instance.preempt)
        #expect(
            loaded.warnings.map(\.message) == [
                "(VI_1) VRRP version 3 does not support authentication, ignored",
                "(VI_1) preempt_delay is incompatible with nopreempt mode, reset",
                "(VI_1) multicast destination specified with unicast, ignored",
            ])
        #expect(loaded.warnings.map(\.location.line) == [4, 9, 10])
    }
}
