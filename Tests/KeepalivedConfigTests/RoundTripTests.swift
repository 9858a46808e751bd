import Foundation
import Testing

@testable import KeepalivedConfig

/// config -> model -> printed config -> model gives an equal model, and printing is stable.
@Suite struct RoundTripTests {
    static func expectRoundTrip(_ original: KeepalivedConfiguration, from source: String) throws {
        let printed = original.rendered
        let reread: KeepalivedConfiguration
        do {
            reread = try VRRPModelText.loader(printed, file: "printed.conf").configuration
        } catch {
            Issue.record("printed \(source) is refused:\n\(error.description)\n\(printed)")
            return
        }
        #expect(reread == original, "model of printed \(source) differs:\n\(printed)")
        #expect(reread.rendered == printed, "printing \(source) twice differs")
    }

    @Test func everySampleRoundTrips() throws {
        let files = try VRRPModelText.sampleFiles()
        #expect(!files.isEmpty)
        for file in files {
            let configuration = try VRRPModelText.loadFile(file).configuration
            try Self.expectRoundTrip(configuration, from: file)
        }
    }

    @Test func richConfigurationRoundTrips() throws {
        let loaded = try VRRPModelText.load(RichConfiguration.text, file: "rich.conf")
        // Only the warnings the rich configuration asks for, using deprecated keywords on purpose.
        #expect(
            loaded.warnings.map(\.message) == [
                "(VI_V2) lvs_sync_daemon_interface eth1 in a vrrp_instance is deprecated, use global lvs_sync_daemon, and global lvs_sync_daemon (eth1) wins",
                "(VI_6) down_timer_adverts is incompatible with strict mode, global vrrp_down_timer_adverts 4 ignored",
                "(SG) global_tracking is deprecated, use track_interface/script/file on the sync group",
            ])
        try Self.expectRoundTrip(loaded.configuration, from: "rich.conf")
    }

    /// The rich configuration really sets what it claims, so the round trip covers every field:
    /// each property of an instance is set in at least one instance, each global one is set.
    @Test func richConfigurationSetsEveryField() throws {
        let configuration = try VRRPModelText.model(RichConfiguration.text)
        let unset = { (value: Any) in ["nil", "[]", "false"].contains(String(describing: value)) }
        var instanceFields: [String: Bool] = [:]
        for instance in configuration.instances {
            for child in Mirror(reflecting: instance).children {
                guard let label = child.label else { continue }
                instanceFields[label, default: false] = instanceFields[label, default: false] || !unset(child.value)
            }
        }
        #expect(configuration.instances.contains { !$0.preempt })
        let unsetFields = instanceFields.filter { !$0.value && $0.key != "preempt" && $0.key != "origin" }.keys
        #expect(unsetFields.isEmpty, "instance fields never set: \(unsetFields.sorted())")
        for child in Mirror(reflecting: configuration.globalDefinitions).children {
            guard let label = child.label, label != "origin" else { continue }
            #expect(!unset(child.value), "global \(label) is not set")
        }
        let group = try #require(configuration.syncGroups.first)
        for child in Mirror(reflecting: group).children {
            guard let label = child.label, label != "origin" else { continue }
            #expect(!unset(child.value), "sync group \(label) is not set")
        }
    }

    @Test func modelEncodesAsJSONAndDecodesEqual() throws {
        let configuration = try VRRPModelText.model(RichConfiguration.text)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(configuration)
        let json = String(decoding: data, as: UTF8.self)
        #expect(json.contains("\"virtualRouterID\":42"))
        #expect(json.contains("\"address\":\"10.1.1.10\\/24\""))
        let decoded = try JSONDecoder().decode(KeepalivedConfiguration.self, from: data)
        #expect(decoded == configuration)
    }
}

/// A configuration using every keyword the VRRP model types.
enum RichConfiguration {
    static let text = #"""
        global_defs {
            router_id "edge 1"
            notification_email {
                ops@example.com
                noc@example.com
            }
            notification_email_from keepalived@example.com
            smtp_server 192.0.2.25 2525
            smtp_helo_name edge1.example.com
            smtp_connect_timeout 20
            smtp_alert true
            smtp_alert_vrrp on
            smtp_alert_checker off
            no_email_faults
            enable_script_security
            script_user nobody nogroup
            startup_script "/bin/echo firewall up" root
            startup_script_timeout 15
            shutdown_script /bin/true
            shutdown_script_timeout 20
            default_interface eth1
            dynamic_interfaces allow_if_changes
            vrrp_mcast_group4 224.0.0.19
            vrrp_mcast_group6 ff02::13
            vrrp_version 3
            vrrp_strict
            vrrp_skip_check_adv_addr
            vrrp_check_unicast_src
            vrrp_lower_prio_no_advert
            vrrp_higher_prio_send_advert yes
            vrrp_garp_master_delay 10
            vrrp_garp_master_repeat 3
            vrrp_garp_lower_prio_delay 8
            vrrp_garp_lower_prio_repeat 2
            vrrp_garp_master_refresh 60
            vrrp_garp_master_refresh_repeat 2
            vrrp_garp_interval 0.001
            vrrp_gna_interval 0.000001
            vrrp_min_garp false
            vrrp_down_timer_adverts 4
            vrrp_startup_delay 5.5
            vrrp_iptables keepalived_in keepalived_out
            vrrp_notify_priority_changes true
            notify_fifo /run/keepalived/notify.fifo root root
            notify_fifo_script "/usr/local/bin/fifo-reader --all" root
            vrrp_notify_fifo /run/keepalived/vrrp.fifo
            vrrp_notify_fifo_script /usr/local/bin/vrrp-fifo
            lvs_notify_fifo /run/keepalived/lvs.fifo
            lvs_notify_fifo_script /usr/local/bin/lvs-fifo
            lvs_flush
            lvs_sync_daemon eth1 inst VI_RICH id 42 maxlen 1400 port 8848 ttl 2 group 224.0.0.81
            lvs_timeouts tcp 900 tcpfin 120 udp 300
            max_auto_priority 50
            enable_dbus
            dbus_service_name org.keepalived.Vrrp1
            vrrp_priority -10
            nftables keepalived
            umask IWGRP|IWOTH
        }

        static_ipaddress {
            192.0.2.1/24 dev eth0 scope global label eth0:s track_group TG
        }
        static_routes {
            198.51.100.0/24 via 192.0.2.254 dev eth0 table 10 metric 5 track_group TG
            192.168.100.0/24 table 6909 nexthop via 192.168.101.1 dev wlan0 onlink weight 1 nexthop via 192.168.101.2 dev wlan0 onlink weight 2
        }
        static_rules {
            from 192.0.2.0/24 table 10 priority 100 track_group TG
        }

        track_group TG {
            group {
                VI_RICH
            }
        }

        vrrp_script chk_haproxy {
            script "/usr/bin/killall -0 haproxy"
            interval 2
            timeout 3
            weight -20 reverse
            rise 2
            fall 3
            user haproxy haproxy
            init_fail
        }

        track_file maintenance {
            file /run/keepalived/maintenance
            weight -10 reverse
            init_file 0 overwrite
        }

        vrrp_sync_group SG {
            group {
                VI_RICH
                VI_6
            }
            notify_master "/usr/local/bin/notify.sh MASTER SG"
            notify_backup /usr/local/bin/backup.sh keepalived_script
            notify_fault /usr/local/bin/fault.sh
            notify_stop /usr/local/bin/stop.sh
            notify /usr/local/bin/any.sh
            smtp_alert off
            notify_priority_changes true
            global_tracking
            sync_group_tracking_weight
            track_interface {
                eth2 weight 10
            }
            track_script {
                chk_haproxy weight 5 reverse
            }
            track_file {
                maintenance
            }
            track_bfd {
                bfd_1
            }
        }

        vrrp_instance VI_RICH {
            state BACKUP
            interface eth0
            use_vmac vrrp.42 02:00:5e:00:01
            vmac_xmit_base
            dont_track_primary
            track_interface {
                eth1
                eth3 weight -30 reverse
            }
            track_script {
                chk_haproxy
                chk_haproxy weight 10 noreverse
            }
            track_file {
                maintenance weight 254
            }
            unicast_src_ip 192.0.2.10
            unicast_peer {
                192.0.2.11
                192.0.2.12 min_ttl 250 max_ttl 255
            }
            unicast_ttl 255
            check_unicast_src
            version 3
            virtual_router_id 42
            priority 150
            advert_int 0.25
            virtual_ipaddress {
                10.1.1.10/24 brd 10.1.1.255 dev eth0 scope global label eth0:vip
                10.1.1.11 brd + peer 10.9.9.9 home -nodad mngtmpaddr noprefixroute autojoin no_track use_vmac preferred_lft forever
            }
            virtual_ipaddress_excluded {
                2001:db8::10/64 dev eth0 preferred_lft 0
            }
            virtual_routes {
                src 10.1.1.10 to 10.20.0.0/16 via 10.1.1.1 or 10.1.1.2 dev eth0 scope global table 20 metric 7 protocol static onlink no_track mtu 1400
                blackhole 10.30.0.0/16
                2001:db8:1::/48 via 2001:db8::1 dev eth0 inet6
            }
            virtual_rules {
                from 10.1.1.0/24 to 10.20.0.0/16 table 20 priority 200 fwmark 0x10/0xff iif eth0 oif eth1 goto 300 no_track tos 16
                from 2001:db8::/64 table 30 priority 201 inet6
            }
            nopreempt
            garp_master_delay 3
            garp_master_repeat 2
            garp_master_refresh 30
            garp_master_refresh_repeat 1
            garp_lower_prio_delay 4
            garp_lower_prio_repeat 1
            lower_prio_no_advert false
            higher_prio_send_advert on
            down_timer_adverts 5
            notify_master "/usr/local/bin/notify.sh master VI_RICH" root
            notify_backup /usr/local/bin/backup.sh
            notify_fault /usr/local/bin/fault.sh
            notify_stop /usr/local/bin/stop.sh
            notify_deleted /usr/local/bin/deleted.sh
            notify "/usr/local/bin/any.sh --json"
            notify_master_rx_lower_pri /usr/local/bin/lower.sh
            notify_priority_changes on
            smtp_alert yes
            no_accept
            strict_mode off
            skip_check_adv_addr on
            debug 2
            kernel_rx_buf_size 262144
            track_src_ip
            garp_extra_if all 120
        }

        vrrp_instance VI_V2 {
            interface eth1
            strict_mode off
            version 2
            virtual_router_id 43
            mcast_dst_ip 224.0.0.20
            authentication {
                auth_type AH
                auth_pass secret12
            }
            preempt_delay 4.5
            promote_secondaries
            lvs_sync_daemon_interface eth1
            virtual_ipaddress {
                10.2.2.2/24
            }
        }

        vrrp_instance VI_6 {
            interface eth0
            native_ipv6
            virtual_router_id 60
            virtual_ipaddress {
                fe80::60/64
                2001:db8::60/64
            }
        }
        """#
}
