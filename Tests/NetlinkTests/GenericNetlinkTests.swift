import Foundation
import Testing

@testable import Netlink

@Suite struct GenericNetlinkTests {
    /// nlctrl, the generic netlink controller itself, always has id 0x10 (GENL_ID_CTRL).
    @Test func resolvesTheControllerFamily() throws {
        let genl = try GenericNetlink()
        #expect(try genl.familyID(named: "nlctrl") == 0x10)
    }

    @Test func anUnknownFamilyIsNotFound() throws {
        let genl = try GenericNetlink()
        let error = try #require(throws: NetlinkError.self) { try genl.familyID(named: "no-such-family") }
        #expect(error.isNotFound)
        #expect(throws: NetlinkError.self) { try genl.familyID(named: "") }
    }

    @Test(.enabled(if: isRoot, "needs root: creates network namespaces"))
    func resolvesInsideANamespace() async throws {
        try await withTestNamespace { namespace in
            let genl = try GenericNetlink(namespace: namespace)
            #expect(try genl.familyID(named: "nlctrl") == 0x10)
        }
    }
}
