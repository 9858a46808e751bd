import KeepalivedConfig
import Netlink

/// `use_vmac [NAME] [MAC]` and `vmac_xmit_base`: the instance runs on a macvlan of its
/// interface carrying the VRRP virtual MAC, so neighbours keep one MAC for the VIPs whichever
/// router is MASTER.
public struct VMACSettings: Sendable, Hashable {
    /// The macvlan's name, `vrrp.VRID` unless given.
    public var name: String
    /// 00:00:5e:00:01:VRID (RFC 5798 §7.3) unless given.
    public var mac: MACAddress
    /// `vmac_xmit_base`: adverts go out (and come in) on the parent, not on the macvlan.
    public var transmitBase: Bool
    /// An IPv6 instance's VMAC: no IPv4 sysctls, no address of its own but a link-local one.
    public var isIPv6: Bool

    public init(name: String, mac: MACAddress, transmitBase: Bool = false, isIPv6: Bool = false) {
        self.name = name
        self.mac = mac
        self.transmitBase = transmitBase
        self.isIPv6 = isIPv6
    }

    /// The VRRP virtual MAC of a VRID: 00:00:5e:00:01:VRID for IPv4 (02 in the fifth octet for IPv6).
    public static func virtualRouterMAC(_ virtualRouterID: UInt8, ipv6: Bool = false) -> MACAddress {
        MACAddress(bytes: [0x00, 0x00, 0x5E, 0x00, ipv6 ? 0x02 : 0x01, virtualRouterID])!
    }
}

extension VMACSettings {
    /// Reads `use_vmac`: a name of at most 15 bytes, and a MAC of six octets or of five (the
    /// VRID then is the sixth, as keepalived does).
    init(
        _ vmac: VRRPInstance.VMAC, transmitBase: Bool, virtualRouterID: UInt8, isIPv6: Bool, instance: String
    ) throws(InstanceSettingsError) {
        let name = vmac.interfaceName ?? "vrrp.\(virtualRouterID)"
        guard !name.isEmpty, name.utf8.count < 16, !name.contains("/"), !name.contains(" ") else {
            throw .outOfRange(instance: instance, keyword: "use_vmac", value: name)
        }
        var mac = Self.virtualRouterMAC(virtualRouterID, ipv6: isIPv6)
        if let text = vmac.macAddress {
            let octets = text.split(separator: ":", omittingEmptySubsequences: false).count
            let full = octets == 5 ? text + ":" + hexOctet(virtualRouterID) : text
            guard let parsed = MACAddress(full), parsed.bytes[0] & 0x01 == 0 else {
                throw .outOfRange(instance: instance, keyword: "use_vmac", value: text)
            }
            mac = parsed
        }
        self.init(name: name, mac: mac, transmitBase: transmitBase, isIPv6: isIPv6)
    }
}

private func hexOctet(_ value: UInt8) -> String {
    let digits = String(value, radix: 16)
    return digits.count == 1 ? "0" + digits : digits
}
