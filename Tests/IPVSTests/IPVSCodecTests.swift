import CNetlinkGenl
import Netlink
import Testing

@testable import IPVS

/// The attribute encoding the kernel reads and the decoding of what it answers, on this host
/// (which has no IPVS; scripts/ipvs-vm checks the same values against a real kernel).
@Suite("IPVS attribute codec")
struct IPVSCodecTests {
    private func ip(_ text: String) throws -> IPAddress { try #require(IPAddress(text)) }

    private func roundTrip(_ service: IPVSService) throws -> IPVSService {
        var writer = AttributeWriter()
        try service.encode(into: &writer)
        return try IPVSService(decoding: AttributeTable(parsing: writer.bytes[...]))
    }

    private func roundTrip(_ destination: IPVSDestination) throws -> IPVSDestination {
        var writer = AttributeWriter()
        try destination.encode(into: &writer)
        return try IPVSDestination(
            decoding: AttributeTable(parsing: writer.bytes[...]), serviceFamily: destination.address.family)
    }

    @Test("an IPv4 service keeps protocol, address, port, scheduler, flags and persistence")
    func ipv4Service() throws {
        let service = IPVSService(
            .address(.udp, try ip("192.0.2.10"), port: 53), scheduler: "sh", flags: [.onePacket, .shPort],
            persistence: IPVSPersistence(timeout: 300, prefixLength: 24), persistenceEngine: "sip")
        let decoded = try roundTrip(service)
        #expect(decoded.key == service.key)
        #expect(decoded.scheduler == "sh")
        #expect(decoded.flags == [.onePacket, .shPort, .persistent])
        #expect(decoded.persistence == IPVSPersistence(timeout: 300, prefixLength: 24))
        #expect(decoded.persistenceEngine == "sip")
    }

    @Test("an IPv4 granularity travels as a netmask in network order, IPv6 as a prefix length")
    func granularityEncoding() throws {
        var writer = AttributeWriter()
        try IPVSService(
            .address(.tcp, try ip("192.0.2.1"), port: 80), scheduler: "rr",
            persistence: IPVSPersistence(timeout: 60, prefixLength: 20)
        ).encode(into: &writer)
        let table = try AttributeTable(parsing: writer.bytes[...])
        #expect(table[Int(IPVS_SVC_ATTR_NETMASK)].map(Array.init) == [0xFF, 0xFF, 0xF0, 0x00])
        #expect(table.bigEndian16(Int(IPVS_SVC_ATTR_PORT)) == 80)
        #expect(table[Int(IPVS_SVC_ATTR_ADDR)]?.count == 16)

        let mark = IPVSService(
            .firewallMark(9, family: .ipv6), scheduler: "wlc",
            persistence: IPVSPersistence(timeout: 5, prefixLength: 64))
        writer = AttributeWriter()
        try mark.encode(into: &writer)
        #expect(try AttributeTable(parsing: writer.bytes[...]).u32(Int(IPVS_SVC_ATTR_NETMASK)) == 64)
        #expect(try roundTrip(mark).key == .firewallMark(9, family: .ipv6))
        #expect(try roundTrip(mark).persistence?.prefixLength == 64)
    }

    @Test(
        "every forwarding method and tunnel type survives the trip",
        arguments: [
            IPVSForwarding.nat, .directRouting, .local, .tunnel(.ipip),
            .tunnel(.gue(port: 6080, flags: [.checksum, .remoteChecksum])), .tunnel(.gre(flags: [.checksum])),
        ])
    func forwarding(_ forwarding: IPVSForwarding) throws {
        let destination = IPVSDestination(
            try ip("2001:db8::7"), port: 8443, forwarding: forwarding, weight: 250, upperThreshold: 1000,
            lowerThreshold: 100)
        let decoded = try roundTrip(destination)
        #expect(decoded == destination)
    }

    @Test("values the kernel cannot take are refused before sending")
    func invalidValues() throws {
        var writer = AttributeWriter()
        let key = IPVSService.Key.address(.tcp, try ip("192.0.2.1"), port: 80)
        #expect(throws: IPVSError.self) { try IPVSService(key, scheduler: "").encode(into: &writer) }
        #expect(throws: IPVSError.self) {
            try IPVSService(key, scheduler: "sixteen-chars-xx").encode(into: &writer)
        }
        #expect(throws: IPVSError.self) {
            try IPVSService(key, persistence: IPVSPersistence(timeout: 1, prefixLength: 33)).encode(into: &writer)
        }
        #expect(throws: IPVSError.self) {
            try IPVSDestination(try ip("192.0.2.2"), port: 80, weight: -1).encode(into: &writer)
        }
        #expect(writer.bytes.isEmpty, "a refused value left attributes behind")
    }

    @Test("malformed replies are errors, never crashes")
    func malformedReplies() throws {
        // An attribute claiming 200 bytes in an 8-byte buffer.
        #expect(throws: IPVSError.self) { try AttributeTable(parsing: [200, 0, 1, 0, 0, 0, 0, 0][...]) }
        // A length below the header size.
        #expect(throws: IPVSError.self) { try AttributeTable(parsing: [2, 0, 1, 0][...]) }
        // A service without an address family, and one with an unknown family.
        #expect(throws: IPVSError.self) { try IPVSService(decoding: AttributeTable(parsing: [][...])) }
        var writer = AttributeWriter()
        writer.put(Int(IPVS_SVC_ATTR_AF), u16: 99)
        #expect(throws: IPVSError.self) { try IPVSService(decoding: AttributeTable(parsing: writer.bytes[...])) }
        // A u32 read from a 2-byte attribute is absent, not garbage.
        writer = AttributeWriter()
        writer.put(1, u16: 7)
        let table = try AttributeTable(parsing: writer.bytes[...])
        #expect(table.u32(1) == nil)
        #expect(table.u16(1) == 7)
    }

    @Test("attributes are padded to 4 bytes and strings NUL-terminated")
    func writerLayout() {
        var writer = AttributeWriter()
        writer.put(3, string: "rr")
        writer.put(4, u8: 1)
        #expect(writer.bytes == [7, 0, 3, 0, 0x72, 0x72, 0, 0, 5, 0, 4, 0, 1, 0, 0, 0])
    }

    @Test("keys print the way ipvsadm -Ln shows them")
    func keyDescriptions() throws {
        #expect(IPVSService.Key.address(.tcp, try ip("10.0.0.1"), port: 80).description == "TCP  10.0.0.1:80")
        #expect(IPVSService.Key.address(.sctp, try ip("2001:db8::1"), port: 9).description == "SCTP  [2001:db8::1]:9")
        #expect(IPVSService.Key.firewallMark(7, family: .ipv4).description == "FWM  7")
        #expect(IPVSService.Key.firewallMark(7, family: .ipv6).description == "FWM  7 IPv6")
    }
}
