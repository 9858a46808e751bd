import Testing

@testable import Netlink

@Suite struct ValueTypeTests {
    @Test func parsesAndFormatsIPv4() throws {
        let address = try #require(IPAddress("192.0.2.10"))
        #expect(address.family == .ipv4)
        #expect(address.bytes == [192, 0, 2, 10])
        #expect(address.description == "192.0.2.10")
    }

    @Test func parsesAndFormatsIPv6InCanonicalForm() throws {
        let address = try #require(IPAddress("2001:DB8:0:0::1"))
        #expect(address.family == .ipv6)
        #expect(address.bytes.count == 16)
        #expect(address.description == "2001:db8::1")
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.4.5", "256.0.0.1", "fe80::1%eth0", "hello", "::g"])
    func refusesBadAddresses(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func parsesPrefixes() throws {
        let prefix = try #require(IPPrefix("10.1.0.0/16"))
        #expect(prefix.length == 16)
        #expect(prefix.description == "10.1.0.0/16")
        #expect(IPPrefix("2001:db8::5")?.length == 128)
        #expect(IPPrefix("10.0.0.0/33") == nil)
        #expect(IPPrefix("10.0.0.0/x") == nil)
        #expect(IPPrefix.defaultRoute(.ipv6).description == "::/0")
    }

    @Test func parsesAndFormatsMAC() throws {
        let mac = try #require(MACAddress("00:00:5E:00:01:0a"))
        #expect(mac.bytes == [0, 0, 0x5e, 0, 1, 10])
        #expect(mac.description == "00:00:5e:00:01:0a")
        #expect(MACAddress("00-00-5e-00-01-0a") == mac)
        #expect(MACAddress("00:00:5e:00:01") == nil)
        #expect(MACAddress("00:00:5e:00:01:zz") == nil)
    }

    @Test func mapsScopeNamesAndNumbers() {
        #expect(Scope(name: "host") == .host)
        #expect(Scope(name: "universe") == .global)
        #expect(Scope(name: "42") == .other(42))
        #expect(Scope(rawValue: 253) == .link)
        #expect(Scope.site.rawValue == 200)
        #expect(Scope(name: "galaxy") == nil)
    }
}
