import Foundation
import Testing

extension VRRPDaemonIntegrationTests {
    /// Accept mode on a real MASTER: the client pings the VIP. With `no_accept` a MASTER that
    /// is not the address owner drops it (vrrpd's nftables table `inet keepalive`); with
    /// `accept`, or as owner (priority 255), it answers. Stopping vrrpd removes the table.
    @Suite(
        .enabled(if: getuid() == 0, "needs root: creates network namespaces"),
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/nft"), "needs nft (apt-get install nftables)"))
    struct AcceptModeTests {
        static func ping(_ network: RouterNetwork, _ address: String) -> Bool {
            (try? run("/usr/sbin/ip", ["netns", "exec", network.c, "/usr/bin/ping", "-c", "1", "-W", "1", address]))
                != nil
        }

        static func keepaliveTable(_ namespace: String) throws -> String? {
            let tables = try run("/usr/sbin/ip", ["netns", "exec", namespace, "/usr/sbin/nft", "list", "tables"])
            guard tables.contains("table inet keepalive") else { return nil }
            return try run(
                "/usr/sbin/ip", ["netns", "exec", namespace, "/usr/sbin/nft", "list", "table", "inet", "keepalive"])
        }

        @Test(
            "ping to the VIP of a MASTER",
            arguments: [("no_accept", 100, false), ("accept", 100, true), ("no_accept", 255, true)])
        func pingTheVirtualAddress(keyword: String, priority: Int, answered: Bool) async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { bus in
                    var instance = TestInstance.on(network, network.a, priority: priority)
                    instance.extra = [keyword]
                    try await VRRPDProcess.with(namespace: network.a, configuration: instance.configuration, bus: bus) {
                        daemon in
                        try await daemon.waitForState("MASTER")
                        try await waitUntil("the router's own address answers") { Self.ping(network, network.addressA) }
                        if answered {
                            try await waitUntil("the VIP answers") { Self.ping(network, network.virtualAddress) }
                            #expect(try Self.keepaliveTable(network.a)?.contains(network.virtualAddress) != true)
                        } else {
                            try await waitUntil("the VIP is in vrrpd's drop set") {
                                try Self.keepaliveTable(network.a)?.contains(network.virtualAddress) == true
                            }
                            #expect(!Self.ping(network, network.virtualAddress))
                            #expect(!Self.ping(network, network.virtualAddress))
                            #expect(try network.holdsVirtualAddress(network.a))
                        }
                        await daemon.stop()
                        #expect(try Self.keepaliveTable(network.a) == nil)
                    }
                }
            }
        }

        @Test("leaving MASTER lets the VIP go from the drop set")
        func backupUnblocks() async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { busA in
                    try await PrivateBus.with { busB in
                        var low = TestInstance.on(network, network.a, priority: 100)
                        low.extra = ["no_accept"]
                        var high = TestInstance.on(network, network.b, priority: 200)
                        high.extra = ["no_accept"]
                        try await VRRPDProcess.with(namespace: network.a, configuration: low.configuration, bus: busA) {
                            a in
                            try await a.waitForState("MASTER")
                            try await waitUntil("the VIP is blocked on a") {
                                try Self.keepaliveTable(network.a)?.contains(network.virtualAddress) == true
                            }
                            try await VRRPDProcess.with(
                                namespace: network.b, configuration: high.configuration, bus: busB
                            ) { b in
                                try await b.waitForState("MASTER")
                                try await a.waitForState("BACKUP")
                                try await waitUntil("a's drop set is empty again") {
                                    try Self.keepaliveTable(network.a)?.contains(network.virtualAddress) == false
                                }
                            }
                        }
                    }
                }
            }
        }

        @Test("a table left by a crashed run goes at start, though no instance needs no_accept")
        func leftoverTableIsRemovedAtStart() async throws {
            try await RouterNetwork.with { network in
                try await PrivateBus.with { bus in
                    let table = "inet keepalive"
                    try run(
                        "/usr/sbin/ip",
                        [
                            "netns", "exec", network.a, "/usr/sbin/nft",
                            "add table \(table); add set \(table) vips4 { type ipv4_addr; }; "
                                + "add chain \(table) input { type filter hook input priority -1; policy accept; }; "
                                + "add rule \(table) input ip daddr @vips4 drop; "
                                + "add element \(table) vips4 { \(network.virtualAddress) }",
                        ])
                    #expect(try Self.keepaliveTable(network.a) != nil)
                    var only = TestInstance.on(network, network.a, priority: 150)
                    only.extra = ["accept"]
                    try await VRRPDProcess.with(namespace: network.a, configuration: only.configuration, bus: bus) {
                        vrrpd in
                        try await vrrpd.waitForState("MASTER")
                        #expect(try Self.keepaliveTable(network.a) == nil)
                        #expect(vrrpd.log.contains("Removed nftables table inet keepalive left by an earlier run"))
                        try await waitUntil("the client reaches the VIP") { Self.ping(network, network.virtualAddress) }
                    }
                }
            }
        }
    }
}
