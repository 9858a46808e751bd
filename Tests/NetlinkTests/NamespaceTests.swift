import Foundation
import Testing

@testable import Netlink

/// The network namespace the calling thread is in, as the kernel names it (`net:[INODE]`).
private func currentNamespace() throws -> String {
    try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self/ns/net")
}

@Suite(.enabled(if: isRoot, "needs root: creates network namespaces"))
struct NamespaceTests {
    @Test func actsInsideTheNamespaceAndLeavesTheThreadWhereItWas() async throws {
        try await withTestNamespace { namespace in
            try addVeth("ns0", in: namespace)
            let before = try currentNamespace()
            let inside = try RouteNetlink(namespace: namespace)
            #expect(try currentNamespace() == before)
            // The socket stays in the namespace it was made in: it sees ns0, the caller's does not.
            #expect(try inside.link(named: "ns0") != nil)
            #expect(try RouteNetlink().link(named: "ns0") == nil)
            #expect(try currentNamespace() == before)
            // A failed entry leaves the thread where it was too.
            #expect(throws: NetlinkError.self) { try RouteNetlink(namespace: namespace + "-missing") }
            #expect(try currentNamespace() == before)
        }
    }

    @Test func oneHandleServesManyTasksAtOnce() async throws {
        try await withTestNamespace { namespace in
            let index = try addVeth("par0", in: namespace)
            let netlink = try RouteNetlink(namespace: namespace)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for host in 1...40 {
                    group.addTask {
                        let address = try #require(IPAddress("10.77.0.\(host)"))
                        try netlink.addAddress(
                            InterfaceAddress(address: address, prefixLength: 32, interfaceIndex: index))
                    }
                }
                try await group.waitForAll()
            }
            let listed = Set(try netlink.addresses(interfaceIndex: index, family: .ipv4).map(\.address.description))
            #expect(listed == Set((1...40).map { "10.77.0.\($0)" }))
            let shown = try ipJSON("-n", namespace, "-4", "addr", "show", "dev", "par0")
                .flatMap { $0["addr_info"] as? [[String: Any]] ?? [] }
            #expect(shown.count == 40)
        }
    }
}
