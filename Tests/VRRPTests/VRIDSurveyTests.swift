import Testing
import VRRP

/// `VRIDSurvey` on adverts built here, at chosen arrival times: what `kactl scan` reports.
struct VRIDSurveyTests {
    static let first = InetAddress(10, 0, 0, 1)
    static let second = InetAddress(10, 0, 0, 2)
    static let vip = InetAddress(192, 0, 2, 10)

    /// An advert from `source` at every interval from `start` for `count` adverts.
    static func advertise(
        _ survey: inout VRIDSurvey, from source: InetAddress, vrid: UInt8 = 42, version: VRRPAdvert.Version = .v3,
        priority: UInt8 = 100, intervalCentiseconds: Int = 100, addresses: [InetAddress] = [vip],
        authentication: VRRPAdvert.Authentication = .none, startMilliseconds: Int = 0, count: Int = 5
    ) {
        let wireInterval = version == .v2 ? intervalCentiseconds / 100 : intervalCentiseconds
        let advert = VRRPAdvert(
            version: version, virtualRouterID: vrid, priority: priority, advertInterval: UInt16(wireInterval),
            addresses: addresses, authentication: authentication)
        let received = ReceivedVRRPAdvert(
            advert: advert, source: source, destination: VRRPAdvert.ipv4MulticastGroup, ttl: 255)
        for index in 0..<count {
            survey.record(received, at: .milliseconds(startMilliseconds + index * intervalCentiseconds * 10))
        }
    }

    @Test func oneMasterAndSeveralVRIDsHaveNoClash() throws {
        var survey = VRIDSurvey()
        Self.advertise(&survey, from: Self.first, vrid: 42)
        Self.advertise(&survey, from: Self.second, vrid: 7, addresses: [InetAddress(192, 0, 2, 77)])
        let routers = survey.virtualRouters
        #expect(routers.map(\.virtualRouterID) == [7, 42])
        #expect(routers.allSatisfy { $0.clashes.isEmpty })
        #expect(!survey.hasClash)
        let sender = try #require(routers.last?.senders.first)
        #expect(sender.source == Self.first)
        #expect(sender.advertCount == 5)
        #expect(sender.addresses == [Self.vip])
        #expect(sender.advertIntervalCentiseconds == 100)
        #expect(sender.firstSeen == .zero)
        #expect(sender.lastSeen == .seconds(4))
        #expect(sender.masterPeriods == [Duration.zero ... .seconds(4)])
    }

    @Test func oneVRIDOverIPv4AndIPv6IsTwoVirtualRoutersWithoutAClash() throws {
        var survey = VRIDSurvey()
        let linkLocal = try #require(InetAddress("fe80::1"))
        let vip6 = try #require(InetAddress("2001:db8::10"))
        Self.advertise(&survey, from: Self.first, vrid: 42)
        // Both advertise at once and with other addresses: a clash were they one virtual router.
        Self.advertise(&survey, from: linkLocal, vrid: 42, addresses: [vip6])
        let routers = survey.virtualRouters
        #expect(routers.map(\.virtualRouterID) == [42, 42])
        #expect(routers.map(\.family) == [.ipv4, .ipv6])
        #expect(routers.map { $0.senders.map(\.source) } == [[Self.first], [linkLocal]])
        #expect(!survey.hasClash)
        // Two IPv6 senders of one VRID with different lists still clash.
        Self.advertise(&survey, from: try #require(InetAddress("fe80::2")), vrid: 42, addresses: [Self.vip], count: 1)
        #expect(survey.virtualRouters.last?.clashes.contains(.addressLists) == true)
        #expect(survey.virtualRouters.first?.clashes.isEmpty == true)
    }

    @Test func differentAddressListsClash() throws {
        var survey = VRIDSurvey()
        Self.advertise(&survey, from: Self.first, count: 1)
        // A backup never advertises; a priority-0 resignation from another router still shows its list.
        Self.advertise(&survey, from: Self.second, priority: 0, addresses: [InetAddress(192, 0, 2, 11)], count: 1)
        let router = try #require(survey.virtualRouters.first)
        #expect(router.senders.map(\.source) == [Self.first, Self.second])
        #expect(router.clashes == [.addressLists])
        #expect(survey.hasClash)
    }

    @Test func theSameAddressesInAnotherOrderDoNotClash() {
        var survey = VRIDSurvey()
        let other = InetAddress(192, 0, 2, 11)
        Self.advertise(&survey, from: Self.first, addresses: [Self.vip, other], count: 1)
        Self.advertise(&survey, from: Self.second, addresses: [other, Self.vip], startMilliseconds: 10_000, count: 1)
        #expect(!survey.hasClash)
    }

    @Test func twoSendersAdvertisingTogetherAreTwoMasters() throws {
        var survey = VRIDSurvey()
        Self.advertise(&survey, from: Self.second, intervalCentiseconds: 10, count: 20)
        Self.advertise(&survey, from: Self.first, intervalCentiseconds: 10, startMilliseconds: 50, count: 20)
        let router = try #require(survey.virtualRouters.first)
        #expect(router.clashes == [.twoMasters(Self.first, Self.second)])
    }

    @Test func versionsIntervalsAuthAndPasswordsClash() throws {
        var survey = VRIDSurvey()
        Self.advertise(&survey, from: Self.first, version: .v2, count: 1)
        Self.advertise(&survey, from: Self.second, version: .v3, startMilliseconds: 10_000, count: 1)
        #expect(try #require(survey.virtualRouters.first).clashes == [.versions])

        var intervals = VRIDSurvey()
        Self.advertise(&intervals, from: Self.first, intervalCentiseconds: 100, count: 1)
        Self.advertise(&intervals, from: Self.second, intervalCentiseconds: 200, startMilliseconds: 10_000, count: 1)
        #expect(try #require(intervals.virtualRouters.first).clashes == [.advertIntervals])

        var passwords = VRIDSurvey()
        Self.advertise(
            &passwords, from: Self.first, version: .v2, authentication: .password(.init("secret1")), count: 1)
        Self.advertise(
            &passwords, from: Self.second, version: .v2, authentication: .password(.init("secret2")),
            startMilliseconds: 10_000, count: 1)
        Self.advertise(
            &passwords, from: InetAddress(10, 0, 0, 3), version: .v2, startMilliseconds: 20_000, count: 1)
        #expect(try #require(passwords.virtualRouters.first).clashes == [.authTypes, .passwords])
    }

    @Test func aTakeoverAfterTheMasterStoppedIsNotTwoMasters() throws {
        var survey = VRIDSurvey()
        // The first master advertises 0...4 s and dies; the backup takes over after its master
        // down interval (3 intervals and skew), at 7.6 s; the first comes back and preempts at 12 s
        // while the second sends one last advert in flight.
        Self.advertise(&survey, from: Self.first, count: 5)
        Self.advertise(&survey, from: Self.second, startMilliseconds: 7_600, count: 5)
        Self.advertise(&survey, from: Self.first, startMilliseconds: 11_500, count: 3)
        let router = try #require(survey.virtualRouters.first)
        #expect(router.clashes.isEmpty)
        let first = try #require(router.senders.first)
        #expect(first.masterPeriods.count == 2)
        #expect(first.advertCount == 8)
    }

    @Test func aMasterThatResignedAndCameBackIsNotTwoMasters() throws {
        var survey = VRIDSurvey()
        // 10.0.0.1 shuts down (priority 0 at 2 s), 10.0.0.2 takes over at once, and 10.0.0.1
        // preempts back 0.45 s later: sooner than a master down interval, yet not an overlap.
        Self.advertise(&survey, from: Self.first, intervalCentiseconds: 10, count: 21)
        Self.advertise(
            &survey, from: Self.first, priority: 0, intervalCentiseconds: 10, startMilliseconds: 2_005, count: 1)
        Self.advertise(&survey, from: Self.second, intervalCentiseconds: 10, startMilliseconds: 2_010, count: 5)
        Self.advertise(&survey, from: Self.first, intervalCentiseconds: 10, startMilliseconds: 2_450, count: 10)
        let router = try #require(survey.virtualRouters.first)
        #expect(router.clashes.isEmpty)
        #expect(try #require(router.senders.first).masterPeriods.count == 2)
    }

    @Test func dropsAreCountedByReasonButNotOtherProtocols() {
        var survey = VRIDSurvey()
        survey.recordDrop(.checksum(received: 1, expected: 2))
        survey.recordDrop(.checksum(received: 3, expected: 4))
        survey.recordDrop(.wrongVersion(4))
        survey.recordDrop(.wrongProtocol(6))
        #expect(survey.drops == ["checksum": 2, "version": 1])
        #expect(survey.virtualRouters.isEmpty)
    }
}
