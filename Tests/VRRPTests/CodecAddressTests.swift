// InetAddress: text and wire forms of the addresses adverts carry.

import Testing

@testable import VRRP

@Suite("InetAddress")
struct CodecAddressTests {
    @Test(
        "IPv4 and IPv6 text round-trips in canonical form",
        arguments: [
            ("10.99.0.100", "10.99.0.100"), ("0.0.0.0", "0.0.0.0"), ("255.255.255.255", "255.255.255.255"),
            ("::", "::"), ("::1", "::1"), ("fe80::1", "fe80::1"), ("FF02::12", "ff02::12"),
            ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("2001:0db8::0001", "2001:db8::1"),
            ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"), ("1:0:3:4:5:6:7:8", "1:0:3:4:5:6:7:8"),
            ("::ffff:10.0.0.1", "::ffff:a00:1"), ("1::", "1::"),
        ])
    func textRoundTrip(input: String, canonical: String) throws {
        let address = try #require(InetAddress(input))
        #expect(address.description == canonical)
        #expect(InetAddress(canonical) == address)
        #expect(InetAddress(bytes: address.bytes) == address)
        #expect(address.bytes.count == address.family.byteCount)
    }

    @Test(
        "malformed text is refused",
        arguments: [
            "", "10.0.0", "10.0.0.256", "10.0.0.1.2", "1..2.3", "+1.2.3.4", "a.b.c.d", ":::", "1:2:3:4:5:6:7:8:9",
            "1::2::3", "12345::", "g::1", "1:2:3:4:5:6:7", "::1.2.3", "1.2.3.4::",
        ])
    func malformed(input: String) {
        #expect(InetAddress(input) == nil)
    }

    @Test("wire bytes are network order; only 4 or 16 bytes make an address")
    func bytes() {
        #expect(InetAddress(10, 99, 0, 100).bytes == [10, 99, 0, 100])
        #expect(InetAddress(bytes: [10, 99, 0, 100]) == .v4(0x0A63_0064))
        #expect(VRRPAdvert.ipv6MulticastGroup.bytes == [0xFF, 0x02] + Array(repeating: 0, count: 13) + [0x12])
        #expect(InetAddress(bytes: [1, 2, 3]) == nil)
        #expect(VRRPAdvert.ipv4MulticastGroup.isMulticast && VRRPAdvert.ipv6MulticastGroup.isMulticast)
        #expect(!InetAddress(10, 0, 0, 1).isMulticast)
    }
}
