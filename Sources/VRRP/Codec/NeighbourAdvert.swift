/// Why an unsolicited neighbour advert cannot be built.
public enum NeighbourAdvertError: Error, Hashable, Sendable {
    /// Neighbour discovery is IPv6 only; an IPv4 VIP gets gratuitous ARP instead.
    case notIPv6(InetAddress)
    /// The link-layer address option carries a 6-byte Ethernet address.
    case invalidHardwareAddress([UInt8])
}

/// The unsolicited neighbour advertisement (RFC 4861 §4.4, §7.2.6) a new MASTER sends for each
/// IPv6 VIP, laid out as keepalived 2.2.7 sends it: from the VIP to all-nodes `ff02::1`, hop
/// limit 255, only the override flag, and the target link-layer address option carrying the MAC
/// that answers for the VIP from now on. Neighbours with an entry for the VIP switch to that MAC.
public struct UnsolicitedNeighbourAdvert: Hashable, Sendable {
    /// ff02::1, where unsolicited adverts go.
    public static let allNodes = InetAddress.v6(high: 0xFF02_0000_0000_0000, low: 1)
    /// 33:33:00:00:00:01, the Ethernet address of all-nodes.
    public static let allNodesHardwareAddress: [UInt8] = [0x33, 0x33, 0, 0, 0, 1]
    /// ICMPv6 type 136.
    public static let icmpType: UInt8 = 136
    /// The IPv6 next header of ICMPv6.
    public static let nextHeader: UInt8 = 58
    public static let ipv6HeaderLength = 40
    /// The ICMPv6 message: 24 bytes of advert and one 8-byte target link-layer address option.
    public static let messageLength = 32
    /// The IPv6 ethertype.
    public static let etherType: UInt16 = 0x86DD
    static let overrideFlag: UInt8 = 0x20
    static let routerFlag: UInt8 = 0x80
    static let targetLinkLayerOption: UInt8 = 2

    /// The VIP the advert speaks for; also its source address.
    public var target: InetAddress
    /// The MAC neighbours should use for `target`: the interface's, or the VMAC.
    public var hardwareAddress: [UInt8]
    /// The R flag, for a router (keepalived sets it when the interface forwards IPv6).
    public var isRouter: Bool

    public init(target: InetAddress, hardwareAddress: [UInt8], isRouter: Bool = false) throws(NeighbourAdvertError) {
        guard target.family == .ipv6 else { throw .notIPv6(target) }
        guard hardwareAddress.count == 6 else { throw .invalidHardwareAddress(hardwareAddress) }
        self.target = target
        self.hardwareAddress = hardwareAddress
        self.isRouter = isRouter
    }

    /// The ICMPv6 message with its checksum over the IPv6 pseudo-header (RFC 4443 §2.3).
    public var icmpMessage: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Self.messageLength)
        out.append(Self.icmpType)
        out.append(0)
        out += [0, 0]
        out.append(Self.overrideFlag | (isRouter ? Self.routerFlag : 0))
        out += [0, 0, 0]
        target.append(to: &out)
        out.append(Self.targetLinkLayerOption)
        out.append(1)
        out += hardwareAddress
        var checksum = InternetChecksum()
        checksum.add(target)
        checksum.add(Self.allNodes)
        checksum.add(UInt32(Self.messageLength))
        checksum.add(UInt16(Self.nextHeader))
        checksum.add(out[...])
        let value = checksum.value
        out[2] = UInt8(value >> 8)
        out[3] = UInt8(value & 0xFF)
        return out
    }

    /// The IPv6 packet: version 6, traffic class and flow label 0, hop limit 255.
    public var ipv6Packet: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Self.ipv6HeaderLength + Self.messageLength)
        out += [0x60, 0, 0, 0]
        appendBigEndian(UInt16(Self.messageLength), to: &out)
        out.append(Self.nextHeader)
        out.append(VRRPAdvert.requiredTTL)
        target.append(to: &out)
        Self.allNodes.append(to: &out)
        out += icmpMessage
        return out
    }

    /// The whole Ethernet frame for a packet socket: to 33:33:00:00:00:01 from `hardwareAddress`.
    public var ethernetFrame: [UInt8] {
        var out = Self.allNodesHardwareAddress + hardwareAddress
        appendBigEndian(Self.etherType, to: &out)
        return out + ipv6Packet
    }
}
