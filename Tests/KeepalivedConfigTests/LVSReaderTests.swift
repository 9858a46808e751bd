import Foundation
import Testing

@testable import KeepalivedConfig

/// A configuration using every LVS keyword the model knows. keepalived 2.2.7 (`keepalived -t`)
/// accepts it with one warning, for the deprecated `nb_get_retry`.
let richLVSConfig = """
    vrrp_track_file weight_file {
        file /tmp/weight
    }
    virtual_server_group WEB {
        10.0.0.1 80
        10.0.0.2-20 8080
        10.0.1.250-10.0.2.5 80
        192.168.202.8/29 443
        2001:db8::1 80
        2001:db8::10-1f 80
        fwmark 7 inet
        fwmark 8 inet6
    }
    virtual_server group WEB {
        delay_loop 10.5
        lvs_sched sh
        sh-port
        sh-fallback
        flag-3
        lvs_method TUN type gue port 6080 csum
        persistence_timeout
        persistence_granularity 255.255.255.0
        persistence_engine sip
        protocol TCP
        hashed
        ha_suspend
        smtp_alert off
        virtualhost www.example.com
        snmp_name web
        alpha
        omega
        quorum 2
        hysteresis 1
        quorum_up "/usr/local/bin/quorum up" nobody nogroup
        quorum_down /usr/local/bin/quorum-down
        ip_family inet
        sorry_server 10.1.0.1 80
        sorry_server_inhibit
        sorry_server_lvs_method TUN type gre nocsum
        connect_timeout 4
        retry 2
        delay_before_retry 2.5
        warmup 0
        inhibit_on_failure
        real_server 10.1.0.2 80 {
            weight 3
            lvs_method TUN type ipip
            notify_up "/bin/up arg" root
            notify_down /bin/down
            uthreshold 1000
            lthreshold 10
            smtp_alert on
            virtualhost rs.example.com
            snmp_name rs2
            alpha off
            connect_timeout 7
            retry 4
            delay_before_retry 1
            warmup 5
            delay_loop 30
            inhibit_on_failure off
            HTTP_GET {
                url {
                    path /health
                    digest 9B3A0C85A887A256D6939DA88AABD8CD
                    status_code 200-299 301 404
                    virtualhost url.example.com
                    regex "up|ok"
                    regex_no_match
                    regex_options caseless multiline
                    regex_stack 32768 65536
                    regex_min_offset 0
                    regex_max_offset 1024
                }
                url {
                    path /
                }
                connect_ip 10.1.0.20
                connect_port 8080
                bindto 10.1.0.250
                bind_port 40000
                bind_if eth0
                fwmark 9
                alpha
                connect_timeout 2
                nb_get_retry 5
                delay_before_retry 1
                warmup 1
                delay_loop 3
                log_all_failures on
                http_protocol 1.0C
                virtualhost check.example.com
                fast_recovery
            }
            SSL_GET {
                url {
                    path /secure
                    status_code 200
                }
                enable_sni
                http_protocol 1.1
            }
            TCP_CHECK {
                connect_port 80
                connect_timeout 3
            }
            SMTP_CHECK {
                helo_name mail.example.com
                connect_timeout 10
                host {
                    connect_ip 10.1.0.30
                    connect_port 587
                    bindto 10.1.0.250
                }
                host {
                    connect_ip 10.1.0.31
                }
            }
            MISC_CHECK {
                misc_path "/usr/local/bin/check --host 10.1.0.2"
                misc_timeout 5
                misc_dynamic
                user nobody nogroup
                retry 0
            }
            DNS_CHECK {
                type AAAA
                name www.example.com
                retry 3
            }
            PING_CHECK {
                retry 2
            }
            UDP_CHECK {
                connect_port 53
                payload Ab12f 3 456
                require_reply 12xX
                min_reply_length 2
                max_reply_length 512
            }
            FILE_CHECK {
                track_file weight_file
                weight -5 reverse
            }
        }
        real_server 10.1.0.3 80 {
            weight 0
        }
    }
    virtual_server 2001:db8::100 443 {
        lvs_sched mh
        mh-port
        lvs_method DR
        protocol SCTP
        real_server 2001:db8::101 443 {
            TCP_CHECK {
            }
        }
    }
    virtual_server fwmark 42 {
        lvs_sched twos
        lvs_method NAT
        persistence_timeout 600
        ops
        real_server 10.2.0.1 {
            weight 65536
        }
    }
    """

@Suite("LVS readers")
struct LVSReaderTests {
    let configuration = LVSText.model(richLVSConfig)

    @Test func group() throws {
        let group = try #require(configuration.virtualServerGroups.first)
        #expect(group.name == "WEB")
        #expect(
            group.entries == [
                .address(address: IPAddress("10.0.0.1")!, port: 80),
                .range(first: IPAddress("10.0.0.2")!, last: IPAddress("10.0.0.20")!, port: 8080),
                .range(first: IPAddress("10.0.1.250")!, last: IPAddress("10.0.2.5")!, port: 80),
                .prefix(prefix: IPPrefix("192.168.202.8/29")!, port: 443),
                .address(address: IPAddress("2001:db8::1")!, port: 80),
                .range(first: IPAddress("2001:db8::10")!, last: IPAddress("2001:db8::1f")!, port: 80),
                .fwmark(mark: 7, family: .inet),
                .fwmark(mark: 8, family: .inet6),
            ])
        #expect(group.families == [.inet, .inet6])
    }

    @Test func virtualServerOptions() throws {
        let server = try #require(configuration.virtualServers.first)
        #expect(server.service == .group(name: "WEB"))
        #expect(server.delayLoop == 10.5)
        #expect(server.scheduler == .sh)
        #expect(server.schedulerFlags == SchedulerFlags(flag1: true, flag2: true, flag3: true))
        #expect(
            server.forwardingMethod == ForwardingMethod(.tun, tunnelType: .gue, tunnelPort: 6080, tunnelChecksum: .csum)
        )
        #expect(server.persistenceTimeout == VirtualServer.defaultPersistenceTimeout)
        #expect(server.persistenceGranularity == "255.255.255.0")
        #expect(server.persistenceEngine == "sip")
        #expect(server.protocol == .tcp)
        #expect(server.hashed && server.haSuspend && server.alpha && server.omega)
        #expect(server.smtpAlert == false)
        #expect(server.virtualhost == "www.example.com")
        #expect(server.snmpName == "web")
        #expect(server.quorum == 2 && server.hysteresis == 1)
        #expect(
            server.quorumUp
                == NotifyCommand(
                    command: "/usr/local/bin/quorum up", runAs: ScriptUser(user: "nobody", group: "nogroup")))
        #expect(server.quorumDown == NotifyCommand(command: "/usr/local/bin/quorum-down"))
        #expect(server.ipFamily == .inet)
        #expect(server.sorryServer == .init(address: IPAddress("10.1.0.1")!, port: 80))
        #expect(server.sorryServerInhibit)
        #expect(server.sorryServerForwardingMethod == ForwardingMethod(.tun, tunnelType: .gre, tunnelChecksum: .nocsum))
        #expect(server.connectTimeout == 4 && server.retry == 2 && server.delayBeforeRetry == 2.5 && server.warmup == 0)
        #expect(server.inhibitOnFailure)
        #expect(server.realServers.count == 2)
    }

    @Test func realServerOptions() throws {
        let real = try #require(configuration.virtualServers.first?.realServers.first)
        #expect(real.address == IPAddress("10.1.0.2") && real.port == 80)
        #expect(real.weight == 3)
        #expect(real.forwardingMethod == ForwardingMethod(.tun, tunnelType: .ipip))
        #expect(real.notifyUp == NotifyCommand(command: "/bin/up arg", runAs: ScriptUser(user: "root")))
        #expect(real.notifyDown == NotifyCommand(command: "/bin/down"))
        #expect(real.upperThreshold == 1000 && real.lowerThreshold == 10)
        #expect(real.smtpAlert == true && real.alpha == false && real.inhibitOnFailure == false)
        #expect(real.virtualhost == "rs.example.com" && real.snmpName == "rs2")
        #expect(real.connectTimeout == 7 && real.retry == 4 && real.delayBeforeRetry == 1)
        #expect(real.warmup == 5 && real.delayLoop == 30)
        #expect(
            real.checkers.map(\.keyword) == [
                "HTTP_GET", "SSL_GET", "TCP_CHECK", "SMTP_CHECK", "MISC_CHECK", "DNS_CHECK", "PING_CHECK", "UDP_CHECK",
                "FILE_CHECK",
            ])
        let quiet = try #require(configuration.virtualServers.first?.realServers.last)
        #expect(quiet.weight == 0 && quiet.checkers.isEmpty)
    }

    @Test func httpCheck() throws {
        let checkers = try #require(configuration.virtualServers.first?.realServers.first?.checkers)
        let http = try #require(checkers[0].http)
        var options = CheckerOptions()
        options.connectIP = IPAddress("10.1.0.20")
        options.connectPort = 8080
        options.bindTo = IPAddress("10.1.0.250")
        options.bindPort = 40000
        options.bindInterface = "eth0"
        options.fwmark = 9
        options.alpha = true
        options.connectTimeout = 2
        options.retry = 5
        options.delayBeforeRetry = 1
        options.warmup = 1
        options.delayLoop = 3
        options.logAllFailures = true
        #expect(http.options == options)
        #expect(http.httpProtocol == .http10Close)
        #expect(http.virtualhost == "check.example.com")
        #expect(http.fastRecovery == true)
        let url = try #require(http.urls.first)
        #expect(url.path == "/health")
        #expect(url.digest == "9b3a0c85a887a256d6939da88aabd8cd")
        #expect(url.statusCodes == [.init(200, 299), .init(301), .init(404)])
        #expect(url.acceptedStatusCodes == url.statusCodes)
        #expect(url.virtualhost == "url.example.com")
        #expect(url.regex == "up|ok" && url.regexNoMatch)
        #expect(url.regexOptions == ["caseless", "multiline"])
        #expect(url.regexStack == [32768, 65536])
        #expect(url.regexMinOffset == 0 && url.regexMaxOffset == 1024)
        #expect(http.urls.last?.acceptedStatusCodes == [.success])
        let ssl = try #require(checkers[1].http)
        #expect(ssl.enableSNI && ssl.httpProtocol == .http11)
        #expect(ssl.urls.first?.statusCodes == [.init(200)])
    }

    @Test func otherCheckers() throws {
        let checkers = try #require(configuration.virtualServers.first?.realServers.first?.checkers)
        #expect(checkers[2].tcp?.options.connectPort == 80)
        let smtp = try #require(checkers[3].smtp)
        #expect(smtp.heloName == "mail.example.com" && smtp.options.connectTimeout == 10)
        #expect(smtp.hosts.map(\.connectIP) == [IPAddress("10.1.0.30"), IPAddress("10.1.0.31")])
        #expect(smtp.hosts.first?.connectPort == 587 && smtp.hosts.first?.bindTo == IPAddress("10.1.0.250"))
        let misc = try #require(checkers[4].misc)
        #expect(misc.path == "/usr/local/bin/check --host 10.1.0.2")
        #expect(misc.timeout == 5 && misc.dynamic && misc.runAs == ScriptUser(user: "nobody", group: "nogroup"))
        #expect(misc.options.retry == 0)
        let dns = try #require(checkers[5].dns)
        #expect(dns.type == .aaaa && dns.name == "www.example.com" && dns.options.retry == 3)
        #expect(checkers[6].options?.retry == 2)
        let udp = try #require(checkers[7].udp)
        #expect(udp.options.connectPort == 53)
        #expect(udp.payload == "ab120f034506")
        #expect(udp.requireReply && udp.replyPattern == "12xx")
        #expect(udp.minReplyLength == 2 && udp.maxReplyLength == 512)
        let file = try #require(checkers[8].file)
        #expect(file.trackFile == "weight_file" && file.weight == -5 && file.reverse)
        #expect(checkers[8].options == nil)
    }

    @Test func otherServices() throws {
        let v6 = try #require(configuration.virtualServers.dropFirst().first)
        #expect(v6.service == .address(address: IPAddress("2001:db8::100")!, port: 443))
        #expect(v6.scheduler == .mh && v6.schedulerFlags.flag2)
        #expect(v6.forwardingMethod == .dr && v6.protocol == .sctp)
        #expect(v6.realServers.first?.weight == 1)
        #expect(v6.realServers.first?.checkers.first?.tcp?.options.isEmpty == true)
        let mark = try #require(configuration.virtualServers.last)
        #expect(mark.service == .fwmark(mark: 42))
        #expect(mark.scheduler == .twos && mark.onePacketScheduling && mark.persistenceTimeout == 600)
        #expect(mark.realServers.first?.port == nil && mark.realServers.first?.weight == 65536)
    }

    @Test func defaults() throws {
        let minimal = LVSText.model("virtual_server 10.0.0.1 80 {\n real_server 10.0.0.2 80 {\n TCP_CHECK\n }\n}")
        let server = try #require(minimal.virtualServers.first)
        #expect(server.delayLoop == 60)
        #expect(server.scheduler == .wlc)
        #expect(server.forwardingMethod == .nat)
        #expect(server.quorum == 1 && server.hysteresis == 0)
        #expect(server.persistenceTimeout == nil && server.protocol == nil)
        #expect(server.effectiveProtocol == .udp)
        #expect(server.realServers.first?.weight == 1)
        #expect(server.realServers.first?.checkers.first?.tcp?.options.isEmpty == true)
    }

    @Test func newerKeywords() throws {
        let text = """
            track_file state {
                file /tmp/state
            }
            virtual_server 10.0.0.1 443 {
                real_server 10.0.0.2 443 {
                    SSL_GET {
                        url {
                            path /
                        }
                        tls_compliant
                    }
                    FILE_CHECK {
                        track_file state
                        dynamic
                    }
                    BFD_CHECK {
                        name bfd_1
                    }
                }
            }
            """
        let checkers = try #require(LVSText.model(text).virtualServers.first?.realServers.first?.checkers)
        #expect(checkers[0].http?.tlsCompliant == true)
        #expect(checkers[1].file?.dynamic == true && checkers[1].file?.weight == nil)
        #expect(checkers[2] == .bfd(BFDCheck(name: "bfd_1")))
    }
}

/// keepalived's inheritance of checker settings: checker, then real server, then virtual server,
/// then its defaults.
@Suite("LVS checker settings")
struct LVSCheckerSettingsTests {
    @Test func defaultsByCheckerType() throws {
        let text = """
            virtual_server 10.0.0.1 80 {
                real_server 10.0.0.2 {
                    HTTP_GET {
                        url {
                            path /
                        }
                    }
                    DNS_CHECK {
                        delay_loop 20
                    }
                    MISC_CHECK {
                        misc_path /bin/true
                    }
                    TCP_CHECK
                    PING_CHECK
                }
            }
            """
        let server = try #require(LVSText.model(text).virtualServers.first)
        let real = try #require(server.realServers.first)
        let all = real.checkers.map { server.settings(of: $0, on: real) }
        #expect(all.map(\.retry) == [1, 3, 0, 1, 1])
        #expect(all.map(\.delayBeforeRetry) == [3, 20, 1, 1, 1])
        #expect(all.map(\.delayLoop) == [60, 20, 60, 60, 60])
        #expect(all.map(\.warmup) == [60, 20, 60, 60, 60])
        #expect(all.allSatisfy { $0.connectTimeout == 5 && !$0.alpha && $0.address == real.address })
        #expect(all.map(\.port) == [80, 80, nil, 80, nil])
    }

    @Test func inheritance() throws {
        let configuration = LVSText.model(richLVSConfig)
        let server = try #require(configuration.virtualServers.first)
        let real = try #require(server.realServers.first)
        let http = server.settings(of: real.checkers[0], on: real)
        #expect(http.address == IPAddress("10.1.0.20") && http.port == 8080)
        #expect(http.connectTimeout == 2 && http.retry == 5 && http.delayLoop == 3 && http.alpha)
        let tcp = server.settings(of: real.checkers[2], on: real)
        #expect(tcp.address == real.address && tcp.port == 80)
        #expect(tcp.connectTimeout == 3 && tcp.retry == 4 && tcp.delayBeforeRetry == 1)
        #expect(tcp.warmup == 5 && tcp.delayLoop == 30 && !tcp.alpha)
        let quiet = try #require(server.realServers.last)
        let inherited = server.settings(of: .tcp(ConnectCheck()), on: quiet)
        #expect(inherited.connectTimeout == 4 && inherited.retry == 2 && inherited.delayBeforeRetry == 2.5)
        #expect(inherited.warmup == 0 && inherited.delayLoop == 10.5 && inherited.alpha)
    }
}
