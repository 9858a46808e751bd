import Netlink
import VRRP

/// Adds and removes an instance's virtual addresses with netlink, as `ip addr add/del` would.
/// Both directions are idempotent: adding an address that is there, or removing one that is
/// gone (a dead predecessor's leftovers, or an admin's `ip addr del`), is not an error.
struct VirtualAddressTable: Sendable {
    let netlink: RouteNetlink
    /// Every address, advertised ones first, resolved against the interfaces at start.
    let addresses: [(spec: VirtualAddressSpec, address: InterfaceAddress)]

    init(netlink: RouteNetlink, specs: [VirtualAddressSpec]) throws {
        self.netlink = netlink
        var resolved: [(VirtualAddressSpec, InterfaceAddress)] = []
        for spec in specs {
            guard let link = try netlink.link(named: spec.device) else {
                throw VirtualAddressError.noSuchDevice(spec.device, address: spec.description)
            }
            resolved.append((spec, try InterfaceAddress(spec, interfaceIndex: link.index)))
        }
        addresses = resolved
    }

    /// Adds every address; returns the failures (the others are still added).
    func addAll() -> [String] {
        var failures: [String] = []
        for (spec, address) in addresses {
            do {
                try netlink.addAddress(address)
            } catch let error as NetlinkError where error.isAlreadyExists {
                continue
            } catch {
                failures.append("cannot add \(spec)/\(spec.prefixLength) on \(spec.device): \(error)")
            }
        }
        return failures
    }

    /// Removes every address that is there, except those `kept` also holds; returns the failures.
    func removeAll(except kept: VirtualAddressTable? = nil) -> [String] {
        let keep = Set((kept?.addresses ?? []).map(\.address.identity))
        var failures: [String] = []
        for (spec, address) in addresses where !keep.contains(address.identity) {
            do {
                try netlink.removeAddress(address)
            } catch let error as NetlinkError where error.isNotFound {
                continue
            } catch {
                failures.append("cannot remove \(spec)/\(spec.prefixLength) from \(spec.device): \(error)")
            }
        }
        return failures
    }
}

/// A virtual address that cannot be turned into a netlink request.
enum VirtualAddressError: Error, CustomStringConvertible {
    case noSuchDevice(String, address: String)
    case invalid(String)

    var description: String {
        switch self {
        case .noSuchDevice(let device, let address): "no interface \(device) for virtual address \(address)"
        case .invalid(let what): "invalid virtual address: \(what)"
        }
    }
}

/// What identifies an address on an interface for the kernel: address, prefix and interface.
struct AddressIdentity: Hashable {
    var address: Netlink.IPAddress
    var prefixLength: Int
    var interfaceIndex: Int
}

extension InterfaceAddress {
    var identity: AddressIdentity {
        AddressIdentity(address: address, prefixLength: prefixLength, interfaceIndex: interfaceIndex)
    }

    init(_ spec: VirtualAddressSpec, interfaceIndex: Int) throws {
        let family: Netlink.IPAddress.Family = spec.address.family == .ipv6 ? .ipv6 : .ipv4
        guard let address = Netlink.IPAddress(family: family, bytes: spec.address.bytes) else {
            throw VirtualAddressError.invalid(spec.description)
        }
        let broadcast = spec.broadcast.flatMap { Netlink.IPAddress(family: .ipv4, bytes: $0.bytes) }
        let scope = try spec.scope.map { name in
            guard let scope = Scope(name: name) else { throw VirtualAddressError.invalid("scope \(name)") }
            return scope
        }
        self.init(
            address: address, prefixLength: spec.prefixLength, interfaceIndex: interfaceIndex, broadcast: broadcast,
            scope: scope ?? .global, label: family == .ipv4 ? spec.label : nil,
            // IPv6 VIPs skip duplicate address detection, as keepalived adds them: the backup
            // that held the VIP a moment ago must not make the new master's copy tentative.
            flags: family == .ipv6 ? .noDAD : [])
    }
}

extension RouteNetlink {
    /// Whether the interface exists and is up and running; a lookup failure counts as down.
    func isOperational(_ name: String) -> Bool {
        ((try? link(named: name)) ?? nil)?.isOperational ?? false
    }
}
