import Foundation
import Testing

@testable import Netlink

/// The `addr_info` entries `ip -j addr show dev DEV` prints in `namespace`.
private func ipAddresses(_ namespace: String, dev: String) throws -> [[String: Any]] {
    try ipJSON("-n", namespace, "addr", "show", "dev", dev).flatMap { $0["addr_info"] as? [[String: Any]] ?? [] }
}

@Suite(.enabled(if: isRoot, "needs root: creates network namespaces"))
struct AddressTests {
    @Test func addsAndRemovesIPv4AddressWithLabelBroadcastAndScope() async throws {
        try await withTestNamespace { namespace in
            let index = try addVeth("vip0", in: namespace)
            let netlink = try RouteNetlink(namespace: namespace)
            let vip = InterfaceAddress(
                address: try #require(IPAddress("192.0.2.10")), prefixLength: 24, interfaceIndex: index,
                broadcast: IPAddress("192.0.2.255"), scope: .link, label: "vip0:vi1")
            try netlink.addAddress(vip)

            let shown = try #require(
                try ipAddresses(namespace, dev: "vip0").first { $0["local"] as? String == "192.0.2.10" })
            #expect(shown["prefixlen"] as? Int == 24)
            #expect(shown["broadcast"] as? String == "192.0.2.255")
            #expect(shown["scope"] as? String == "link")
            #expect(shown["label"] as? String == "vip0:vi1")

            let listed = try #require(try netlink.addresses(interfaceIndex: index, family: .ipv4).first)
            #expect(listed.address == vip.address)
            #expect(listed.prefixLength == 24)
            #expect(listed.broadcast == vip.broadcast)
            #expect(listed.scope == .link)
            #expect(listed.label == "vip0:vi1")
            #expect(listed.interfaceIndex == index)

            try netlink.removeAddress(vip)
            #expect(try ipAddresses(namespace, dev: "vip0").allSatisfy { $0["local"] as? String != "192.0.2.10" })
            #expect(try netlink.addresses(interfaceIndex: index, family: .ipv4).isEmpty)
        }
    }

    /// The kernel derives an IPv6 address's scope from the address itself (as `ip addr add ...
    /// scope site` shows), so a global and a link-local VIP are checked.
    @Test func addsAndRemovesIPv6AddressesWithNoDAD() async throws {
        try await withTestNamespace { namespace in
            let index = try addVeth("vip6", in: namespace)
            let netlink = try RouteNetlink(namespace: namespace)
            let global = InterfaceAddress(
                address: try #require(IPAddress("2001:db8::10")), prefixLength: 64, interfaceIndex: index,
                flags: .noDAD)
            let linkLocal = InterfaceAddress(
                address: try #require(IPAddress("fe80::10")), prefixLength: 64, interfaceIndex: index,
                scope: .link, flags: .noDAD)
            try netlink.addAddress(global)
            try netlink.addAddress(linkLocal)

            let shown = try ipAddresses(namespace, dev: "vip6")
            let shownGlobal = try #require(shown.first { $0["local"] as? String == "2001:db8::10" })
            #expect(shownGlobal["prefixlen"] as? Int == 64)
            #expect(shownGlobal["scope"] as? String == "global")
            #expect(shownGlobal["family"] as? String == "inet6")
            #expect(shownGlobal["nodad"] as? Bool == true)
            let shownLinkLocal = try #require(shown.first { $0["local"] as? String == "fe80::10" })
            #expect(shownLinkLocal["scope"] as? String == "link")

            let listed = try netlink.addresses(interfaceIndex: index, family: .ipv6)
            let mine = try #require(listed.first { $0.address == global.address })
            #expect(mine.scope == .global)
            #expect(mine.prefixLength == 64)
            #expect(mine.flags.contains(.noDAD))
            #expect(!mine.flags.contains(.tentative))
            #expect(listed.first { $0.address == linkLocal.address }?.scope == .link)

            try netlink.removeAddress(global)
            try netlink.removeAddress(linkLocal)
            let left = try ipAddresses(namespace, dev: "vip6").compactMap { $0["local"] as? String }
            #expect(!left.contains("2001:db8::10"))
            #expect(!left.contains("fe80::10"))
        }
    }

    @Test func addingTwiceSaysItExists() async throws {
        try await withTestNamespace { namespace in
            let index = try addVeth("dup0", in: namespace)
            let netlink = try RouteNetlink(namespace: namespace)
            let vip = InterfaceAddress(
                address: try #require(IPAddress("198.51.100.1")), prefixLength: 32, interfaceIndex: index)
            try netlink.addAddress(vip)
            let error = try #require(throws: NetlinkError.self) { try netlink.addAddress(vip) }
            #expect(error.isAlreadyExists)
        }
    }

    @Test func addingToAMissingInterfaceIsAClearError() async throws {
        try await withTestNamespace { namespace in
            let netlink = try RouteNetlink(namespace: namespace)
            #expect(try netlink.link(named: "nosuch0") == nil)
            let vip = InterfaceAddress(
                address: try #require(IPAddress("192.0.2.1")), prefixLength: 24, interfaceIndex: 9999)
            let error = try #require(throws: NetlinkError.self) { try netlink.addAddress(vip) }
            guard case .kernel(let operation, let errno, let message) = error else {
                Issue.record("expected a kernel error, got \(error)")
                return
            }
            #expect(operation.contains("192.0.2.1/24"))
            #expect(errno == ENODEV)
            #expect(message.contains("No such device"))
            #expect(error.isNotFound)
        }
    }

    @Test func removingAnAbsentAddressIsAClearError() async throws {
        try await withTestNamespace { namespace in
            let index = try addVeth("abs0", in: namespace)
            let netlink = try RouteNetlink(namespace: namespace)
            let vip = InterfaceAddress(
                address: try #require(IPAddress("192.0.2.77")), prefixLength: 24, interfaceIndex: index)
            let error = try #require(throws: NetlinkError.self) { try netlink.removeAddress(vip) }
            #expect(error.isNotFound)
            #expect(error.description.contains("remove address 192.0.2.77/24"))
            #expect(error.description.contains("Cannot assign requested address"))
        }
    }

    @Test func refusesMalformedRequestsBeforeTheKernel() async throws {
        try await withTestNamespace { namespace in
            let netlink = try RouteNetlink(namespace: namespace)
            let v4 = try #require(IPAddress("192.0.2.1"))
            let badPrefix = InterfaceAddress(address: v4, prefixLength: 40, interfaceIndex: 1)
            #expect(throws: NetlinkError.invalidArgument("prefix length 40 for 192.0.2.1")) {
                try netlink.addAddress(badPrefix)
            }
            let mixed = InterfaceAddress(address: v4, prefixLength: 24, interfaceIndex: 1, broadcast: IPAddress("::1"))
            #expect(throws: NetlinkError.self) { try netlink.addAddress(mixed) }
            let longLabel = InterfaceAddress(
                address: v4, prefixLength: 24, interfaceIndex: 1, label: "lo:averyverylonglabel")
            #expect(throws: NetlinkError.self) { try netlink.addAddress(longLabel) }
        }
    }

    @Test func refusesAMissingNamespace() {
        let error = #expect(throws: NetlinkError.self) { try RouteNetlink(namespace: "nltest-absent-\(getpid())") }
        guard case .namespace(_, let errno, _) = error else {
            Issue.record("expected a namespace error, got \(String(describing: error))")
            return
        }
        #expect(errno == ENOENT)
        #expect(throws: NetlinkError.self) { try RouteNetlink(namespace: "../etc") }
    }
}
