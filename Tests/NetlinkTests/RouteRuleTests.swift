import Foundation
import Testing

@testable import Netlink

@Suite(.enabled(if: isRoot, "needs root: creates network namespaces"))
struct RouteRuleTests {
    @Test func addsListsAndRemovesRoutes() async throws {
        try await withTestNamespace { namespace in
            let index = try addVeth("rt0", in: namespace)
            try ip("-n", namespace, "addr", "add", "192.0.2.1/24", "dev", "rt0")
            let netlink = try RouteNetlink(namespace: namespace)

            let viaGateway = Route(
                destination: try #require(IPPrefix("10.9.0.0/16")), gateway: IPAddress("192.0.2.254"),
                interfaceIndex: index, metric: 50)
            let inTable = Route(
                destination: try #require(IPPrefix("10.10.0.0/16")), interfaceIndex: index,
                source: IPAddress("192.0.2.1"), table: 100, scope: .link)
            let blackhole = Route(destination: try #require(IPPrefix("10.11.0.0/16")), table: 100, type: .blackhole)
            let prohibit = Route(destination: try #require(IPPrefix("10.13.0.0/16")), table: 100, type: .prohibit)
            let v6 = Route(destination: try #require(IPPrefix("2001:db8:1::/48")), interfaceIndex: index, table: 100)
            let all = [viaGateway, inTable, blackhole, prohibit, v6]
            for route in all { try netlink.addRoute(route) }

            let main = try ipJSON("-n", namespace, "route", "show", "table", "main")
            let shownGateway = try #require(main.first { $0["dst"] as? String == "10.9.0.0/16" })
            #expect(shownGateway["gateway"] as? String == "192.0.2.254")
            #expect(shownGateway["dev"] as? String == "rt0")
            #expect(shownGateway["metric"] as? Int == 50)
            #expect(shownGateway["protocol"] as? String == "keepalived")

            let table100 = try ipJSON("-n", namespace, "route", "show", "table", "100")
            let shownInTable = try #require(table100.first { $0["dst"] as? String == "10.10.0.0/16" })
            #expect(shownInTable["prefsrc"] as? String == "192.0.2.1")
            #expect(shownInTable["scope"] as? String == "link")
            let shownBlackhole = try #require(table100.first { $0["dst"] as? String == "10.11.0.0/16" })
            #expect(shownBlackhole["type"] as? String == "blackhole")
            #expect(table100.contains { $0["dst"] as? String == "10.13.0.0/16" && $0["type"] as? String == "prohibit" })
            let table100v6 = try ipJSON("-n", namespace, "-6", "route", "show", "table", "100")
            #expect(table100v6.contains { $0["dst"] as? String == "2001:db8:1::/48" && $0["dev"] as? String == "rt0" })

            let listed = try netlink.routes(family: .ipv4, table: 100)
            #expect(listed.count == 3)
            #expect(listed.first { $0.destination == prohibit.destination }?.type == .prohibit)
            let listedBlackhole = try #require(listed.first { $0.destination == blackhole.destination })
            #expect(listedBlackhole.type == .blackhole)
            let listedInTable = try #require(listed.first { $0.destination == inTable.destination })
            #expect(listedInTable.source == inTable.source)
            #expect(listedInTable.interfaceIndex == index)
            #expect(listedInTable.protocol == .keepalived)
            let listedGateway = try #require(
                try netlink.routes(table: RouteTable.main).first { $0.destination == viaGateway.destination })
            #expect(listedGateway.gateway == viaGateway.gateway)
            #expect(listedGateway.metric == 50)
            #expect(try netlink.routes(family: .ipv6, table: 100).contains { $0.destination == v6.destination })

            let duplicate = try #require(throws: NetlinkError.self) { try netlink.addRoute(viaGateway) }
            #expect(duplicate.isAlreadyExists)

            for route in all { try netlink.removeRoute(route) }
            #expect(try ipJSON("-n", namespace, "route", "show", "table", "100").isEmpty)
            #expect(
                try ipJSON("-n", namespace, "route", "show", "table", "main").allSatisfy {
                    $0["dst"] as? String != "10.9.0.0/16"
                })
            let gone = try #require(throws: NetlinkError.self) { try netlink.removeRoute(viaGateway) }
            #expect(gone.isNotFound)
        }
    }

    @Test func routeThroughAnUnreachableGatewayCarriesTheKernelsReason() async throws {
        try await withTestNamespace { namespace in
            let index = try addVeth("rt1", in: namespace)
            let netlink = try RouteNetlink(namespace: namespace)
            let route = Route(
                destination: try #require(IPPrefix("10.12.0.0/16")), gateway: IPAddress("203.0.113.1"),
                interfaceIndex: index)
            let error = try #require(throws: NetlinkError.self) { try netlink.addRoute(route) }
            guard case .kernel(_, let errno, let message) = error else {
                Issue.record("expected a kernel error, got \(error)")
                return
            }
            #expect(errno == ENETUNREACH)
            #expect(message.lowercased().contains("gateway"))  // the kernel's extended ack
        }
    }

    @Test func addsListsAndRemovesRules() async throws {
        try await withTestNamespace { namespace in
            try addVeth("ru0", in: namespace)
            let netlink = try RouteNetlink(namespace: namespace)
            let fromRule = Rule(family: .ipv4, from: IPPrefix("10.20.0.0/16"), table: 100, priority: 1000)
            let markRule = Rule(
                family: .ipv4, to: IPPrefix("10.30.0.0/16"), table: 101, priority: 1001, fwmark: 0x10, fwmask: 0xff,
                inputInterface: "ru0")
            let v6Rule = Rule(family: .ipv6, from: IPPrefix("2001:db8::/32"), table: 102, priority: 1002)
            let unreachable = Rule(
                family: .ipv4, from: IPPrefix("10.40.0.0/16"), table: 0, priority: 1003, outputInterface: "ru0",
                action: .unreachable)
            let all = [fromRule, markRule, v6Rule, unreachable]
            for rule in all { try netlink.addRule(rule) }

            let shown = try ipJSON("-n", namespace, "rule")
            let shownFrom = try #require(shown.first { $0["priority"] as? Int == 1000 })
            #expect(shownFrom["src"] as? String == "10.20.0.0")
            #expect(shownFrom["srclen"] as? Int == 16)
            #expect(shownFrom["table"] as? String == "100")
            let shownMark = try #require(shown.first { $0["priority"] as? Int == 1001 })
            #expect(shownMark["dst"] as? String == "10.30.0.0")
            #expect(shownMark["fwmark"] as? String == "0x10")
            #expect(shownMark["fwmask"] as? String == "0xff")
            #expect(shownMark["iif"] as? String == "ru0")
            #expect(shownMark["table"] as? String == "101")
            let shown6 = try ipJSON("-n", namespace, "-6", "rule")
            #expect(shown6.contains { $0["priority"] as? Int == 1002 && $0["src"] as? String == "2001:db8::" })

            let listed = try netlink.rules(family: .ipv4)
            let listedFrom = try #require(listed.first { $0.priority == 1000 })
            #expect(listedFrom.from == fromRule.from)
            #expect(listedFrom.table == 100)
            #expect(listedFrom.fwmark == nil)
            let listedMark = try #require(listed.first { $0.priority == 1001 })
            #expect(listedMark.to == markRule.to)
            #expect(listedMark.fwmark == 0x10)
            #expect(listedMark.fwmask == 0xff)
            #expect(listedMark.inputInterface == "ru0")
            #expect(listedMark.action == .lookup)
            #expect(try netlink.rules(family: .ipv6).contains { $0.priority == 1002 && $0.table == 102 })
            let shownUnreachable = try #require(shown.first { $0["priority"] as? Int == 1003 })
            #expect(shownUnreachable["action"] as? String == "unreachable")
            #expect(shownUnreachable["oif"] as? String == "ru0")
            let listedUnreachable = try #require(listed.first { $0.priority == 1003 })
            #expect(listedUnreachable.action == .unreachable)
            #expect(listedUnreachable.outputInterface == "ru0")

            for rule in all { try netlink.removeRule(rule) }
            let left = try ipJSON("-n", namespace, "rule").compactMap { $0["priority"] as? Int }
            #expect(!left.contains(1000) && !left.contains(1001) && !left.contains(1003))
            #expect(try ipJSON("-n", namespace, "-6", "rule").allSatisfy { $0["priority"] as? Int != 1002 })
        }
    }
}
