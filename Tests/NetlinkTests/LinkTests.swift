import Foundation
import Testing

@testable import Netlink

@Suite(.enabled(if: isRoot, "needs root: creates network namespaces"))
struct LinkTests {
    @Test func looksUpAndListsLinks() async throws {
        try await withTestNamespace { namespace in
            let index = try addVeth("lk0", in: namespace)
            let netlink = try RouteNetlink(namespace: namespace)
            let byName = try #require(try netlink.link(named: "lk0"))
            #expect(byName.index == index)
            #expect(byName.kind == "veth")
            #expect(byName.isUp)
            #expect(byName.mtu == 1500)
            #expect(byName.macvlanMode == nil)
            let shown = try #require(try ipJSON("-n", namespace, "link", "show", "dev", "lk0").first)
            #expect(byName.mac?.description == shown["address"] as? String)
            #expect(try netlink.link(index: index) == byName)
            let names = Set(try netlink.links().map(\.name))
            #expect(names == ["lo", "lk0", "lk0p"])
            #expect(try netlink.link(named: "absent0") == nil)
            #expect(try netlink.link(index: 424242) == nil)
        }
    }

    @Test(arguments: MacvlanMode.allCases)
    func createsAndDeletesAMacvlanWithItsMAC(mode: MacvlanMode) async throws {
        try await withTestNamespace { namespace in
            let parent = try addVeth("mv0", in: namespace)
            let netlink = try RouteNetlink(namespace: namespace)
            let requested = try #require(MACAddress("00:00:5e:00:01:0a"))
            // In passthru mode the kernel hands the macvlan its parent's MAC instead.
            let parentMAC = try #require(try netlink.link(index: parent)?.mac)
            let mac = mode == .passthru ? parentMAC : requested
            let created = try netlink.createMacvlan(name: "vrrp.10", parentIndex: parent, mac: requested, mode: mode)
            #expect(created.name == "vrrp.10")
            #expect(created.mac == mac)
            #expect(created.kind == "macvlan")
            #expect(created.parentIndex == parent)
            #expect(created.macvlanMode == mode)
            #expect(!created.isUp)

            try netlink.setLink(index: created.index, up: true)
            let shown = try #require(try ipJSON("-n", namespace, "-d", "link", "show", "dev", "vrrp.10").first)
            #expect(shown["address"] as? String == mac.description)
            #expect(shown["link"] as? String == "mv0")
            #expect((shown["flags"] as? [String])?.contains("UP") == true)
            let info = try #require(shown["linkinfo"] as? [String: Any])
            #expect(info["info_kind"] as? String == "macvlan")
            #expect((info["info_data"] as? [String: Any])?["mode"] as? String == mode.rawValue)
            #expect(try netlink.link(named: "vrrp.10")?.isOperational == true)

            try netlink.setLink(index: created.index, up: false)
            let downFlags = try ipJSON("-n", namespace, "link", "show", "dev", "vrrp.10").first?["flags"] as? [String]
            #expect(downFlags?.contains("UP") == false)

            try netlink.deleteLink(index: created.index)
            #expect(try netlink.link(named: "vrrp.10") == nil)
            #expect(throws: CommandFailed.self) { try ip("-n", namespace, "link", "show", "dev", "vrrp.10") }
            #expect(try netlink.link(named: "mv0")?.index == parent)
        }
    }

    @Test func linkErrorsAreClear() async throws {
        try await withTestNamespace { namespace in
            try addVeth("le0", in: namespace)
            let netlink = try RouteNetlink(namespace: namespace)
            let noParent = try #require(throws: NetlinkError.self) {
                try netlink.createMacvlan(name: "vm.bad", parentIndex: 31337)
            }
            #expect(noParent.description.contains("create macvlan vm.bad"))
            #expect(throws: NetlinkError.self) { try netlink.createMacvlan(name: "much-too-long-name", parentIndex: 1) }
            #expect(throws: NetlinkError.self) { try netlink.createMacvlan(name: "le0", parentIndex: 2) }
            let noLink = try #require(throws: NetlinkError.self) { try netlink.deleteLink(index: 31337) }
            #expect(noLink.isNotFound)
            #expect(throws: NetlinkError.self) { try netlink.setLink(index: 31337, up: true) }
        }
    }
}
