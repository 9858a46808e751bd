import Testing

@testable import KeepalivedConfig

/// keepalived's own sample files that carry virtual servers read into the values they spell out.
@Suite("LVS samples")
struct LVSSampleTests {
    @Test func sampleConf() throws {
        let configuration = try LVSText.sample("keepalived.conf.sample")
        let server = try #require(configuration.virtualServers.first { $0.service.description == "10.10.10.2 1358" })
        #expect(server.delayLoop == 6)
        #expect(server.scheduler == .rr)
        #expect(server.forwardingMethod == .nat)
        #expect(server.persistenceTimeout == 50)
        #expect(server.protocol == .tcp)
        #expect(server.sorryServer == .init(address: IPAddress("192.168.200.200")!, port: 1358))
        let real = try #require(server.realServers.first)
        #expect(real.address == IPAddress("192.168.200.2"))
        #expect(real.port == 1358)
        #expect(real.weight == 1)
        let http = try #require(real.checkers.first?.http)
        #expect(http.urls.map(\.path) == ["/testurl3/test.jsp"])
        #expect(http.urls[0].digest == "640205b7b0fc66c1ea91c463fac6334d")
        #expect(http.options.connectTimeout == 3)
        #expect(http.options.retry == 3)
        #expect(http.options.delayBeforeRetry == 3)
    }

    @Test func httpGetPort() throws {
        let configuration = try LVSText.sample("keepalived.conf.HTTP_GET.port")
        let checkers = configuration.virtualServers.flatMap(\.realServers).flatMap(\.checkers)
        let ssl = try #require(checkers.first?.http)
        #expect(checkers.first?.keyword == "SSL_GET")
        #expect(ssl.options.connectPort == 444)
        #expect(ssl.urls.map(\.path) == ["/"])
    }

    @Test func sslGet() throws {
        let configuration = try LVSText.sample("keepalived.conf.SSL_GET")
        #expect(configuration.virtualServers.count == 2)
        let first = try #require(configuration.virtualServers.first?.realServers.first?.checkers.first)
        guard case .sslGet(let check) = first else {
            Issue.record("expected SSL_GET, got \(first.keyword)")
            return
        }
        #expect(check.urls.map(\.path) == ["/", "/mrtg/"])
        #expect(check.urls[1].digest == "9b3a0c85a887a256d6939da88aabd8cd")
        let second = try #require(configuration.virtualServers.last?.realServers.first?.checkers.first)
        #expect(second.keyword == "HTTP_GET")
    }

    @Test func smtpCheck() throws {
        let configuration = try LVSText.sample("keepalived.conf.SMTP_CHECK")
        let reals = try #require(configuration.virtualServers.first).realServers
        #expect(reals.count == 3)
        let simple = try #require(reals[0].checkers.first?.smtp)
        #expect(simple.heloName == "foo.bar.com")
        #expect(simple.options.connectTimeout == 30)
        #expect(simple.options.retry == 2)
        #expect(simple.options.delayBeforeRetry == 5)
        let multi = try #require(reals[1].checkers.first?.smtp)
        #expect(
            multi.hosts.compactMap(\.connectIP)
                == ["172.16.1.11", "192.168.155.10", "64.233.167.99"].map { IPAddress($0)! })
        let extended = try #require(reals[2].checkers.first?.smtp)
        #expect(extended.hosts.first?.connectPort == 25)
        #expect(extended.hosts.first?.bindTo == IPAddress("172.16.1.2"))
        #expect(extended.hosts.map(\.connectPort).contains(587))
    }

    @Test func miscCheck() throws {
        let plain = try LVSText.sample("keepalived.conf.misc_check")
        let checks = plain.virtualServers.flatMap(\.realServers).flatMap(\.checkers).compactMap(\.misc)
        #expect(!checks.isEmpty)
        #expect(checks.allSatisfy { !$0.path.isEmpty })
        let withArguments = try LVSText.sample("keepalived.conf.misc_check_arg")
        let check = try #require(withArguments.virtualServers.first?.realServers.first?.checkers.first?.misc)
        #expect(check.path == "/usr/local/bin/script.sh arg1 arg2")
    }

    @Test func fwmark() throws {
        let configuration = try LVSText.sample("keepalived.conf.fwmark")
        let server = try #require(configuration.virtualServers.first)
        #expect(server.service == .fwmark(mark: 1))
        #expect(server.persistenceTimeout == 900)
        #expect(server.realServers.map(\.port) == [nil, nil])
        let tcp = try #require(server.realServers.first?.checkers.first?.tcp)
        #expect(tcp.options.connectPort == 80)
        #expect(tcp.options.connectTimeout == 3)
    }

    @Test func inhibit() throws {
        let configuration = try LVSText.sample("keepalived.conf.inhibit")
        let real = try #require(configuration.virtualServers.first?.realServers.first)
        #expect(real.inhibitOnFailure == true)
        #expect(real.checkers.first?.http?.urls.first?.digest == "640205b7b0fc66c1ea91c463fac6334d")
    }

    @Test func quorum() throws {
        let configuration = try LVSText.sample("keepalived.conf.quorum")
        let server = try #require(configuration.virtualServers.first)
        #expect(server.scheduler == .wrr)
        #expect(server.alpha && server.omega)
        #expect(server.quorum == 7)
        #expect(server.hysteresis == 2)
        #expect(server.quorumUp == NotifyCommand(command: "/usr/local/sbin/quorum-up.sh"))
        #expect(server.quorumDown == NotifyCommand(command: "/usr/local/sbin/quorum-down.sh"))
        #expect(server.realServers.allSatisfy { $0.port == 8080 && $0.checkers.first?.tcp != nil })
    }

    @Test func statusCode() throws {
        let configuration = try LVSText.sample("keepalived.conf.status_code")
        let check = try #require(configuration.virtualServers.first?.realServers.first?.checkers.first?.http)
        #expect(check.urls[0].statusCodes == [.init(200, 299), .init(400, 499), .init(503), .init(505)])
        #expect(check.urls[1].statusCodes == [.init(200)])
        #expect(check.urls[1].digest == "9b3a0c85a887a256d6939da88aabd8cd")
    }

    @Test func virtualServerGroup() throws {
        let configuration = try LVSText.sample("keepalived.conf.virtual_server_group")
        let group = try #require(configuration.virtualServerGroups.first)
        #expect(group.name == "VSG_1")
        #expect(
            group.entries == [
                .address(address: IPAddress("10.0.0.1")!, port: 8080),
                .address(address: IPAddress("10.0.0.2")!, port: 80),
                .address(address: IPAddress("192.168.200.1")!, port: 1358),
                .range(first: IPAddress("192.168.200.3")!, last: IPAddress("192.168.200.10")!, port: 80),
                .fwmark(mark: 1, family: nil),
                .fwmark(mark: 2, family: nil),
            ])
        let server = try #require(configuration.virtualServers.first)
        #expect(server.service == .group(name: "VSG_1"))
        #expect(configuration.group(of: server) == group)
    }

    @Test func virtualhost() throws {
        let configuration = try LVSText.sample("keepalived.conf.virtualhost")
        let server = try #require(configuration.virtualServers.first)
        #expect(server.virtualhost == "www.firewall.loc")
        #expect(server.realServers.first?.checkers.first?.http?.urls.count == 2)
    }

    @Test func udpCheck() throws {
        let configuration = try LVSText.sample("keepalived.conf.UDP_CHECK")
        let server = try #require(configuration.virtualServers.first)
        #expect(server.protocol == .udp)
        let check = try #require(server.realServers.first?.checkers.first?.udp)
        #expect(check.options.connectTimeout == 3)
        #expect(check.options.retry == 3)
        #expect(!check.requireReply)
    }

    @Test func pingCheck() throws {
        let configuration = try LVSText.sample("keepalived.conf.PING_CHECK")
        let checkers = configuration.virtualServers.flatMap(\.realServers).flatMap(\.checkers)
        guard case .ping(let check) = try #require(checkers.first) else {
            Issue.record("expected PING_CHECK")
            return
        }
        #expect(check.options.retry == 4)
    }

    /// Every sample with virtual servers prints and reads back to an equal model.
    @Test(arguments: [
        "keepalived.conf.sample", "keepalived.conf.HTTP_GET.port", "keepalived.conf.SSL_GET",
        "keepalived.conf.SMTP_CHECK", "keepalived.conf.misc_check", "keepalived.conf.misc_check_arg",
        "keepalived.conf.fwmark", "keepalived.conf.inhibit", "keepalived.conf.quorum", "keepalived.conf.status_code",
        "keepalived.conf.virtual_server_group", "keepalived.conf.virtualhost", "keepalived.conf.UDP_CHECK",
        "keepalived.conf.PING_CHECK",
    ])
    func roundTrip(sample: String) throws {
        let configuration = try LVSText.sample(sample)
        #expect(!configuration.virtualServers.isEmpty)
        let again = LVSText.reprinted(configuration)
        #expect(again.virtualServers == configuration.virtualServers)
        #expect(again.virtualServerGroups == configuration.virtualServerGroups)
    }
}
