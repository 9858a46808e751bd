import KeepalivedConfig
import Netlink

extension Netlink.Rule {
    /// One line of `virtual_rules` or `static_rules` as netlink takes it: IPv6 when `inet6` says
    /// so or a prefix is IPv6 (`ip -6 rule`), IPv4 otherwise. Refuses prefixes of both families
    /// and what vrrpd cannot add yet (table names outside main/local/default, the long tail of
    /// options).
    init(_ rule: VirtualRule, instance: String) throws(InstanceSettingsError) {
        let families = Set([rule.from, rule.to].compactMap { $0?.address.family })
        let family: Netlink.IPAddress.Family = rule.forceIPv6 || families.contains(.inet6) ? .ipv6 : .ipv4
        guard families.count < 2, !(rule.forceIPv6 && families.contains(.inet)) else {
            let text = [rule.from.map { "from \($0)" }, rule.to.map { "to \($0)" }, rule.forceIPv6 ? "inet6" : nil]
            throw .outOfRange(
                instance: instance, keyword: "virtual_rules",
                value: text.compactMap { $0 }.joined(separator: " ") + " (mixed families)")
        }
        guard rule.additionalOptions.isEmpty else {
            throw .unsupported(instance: instance, what: "virtual rule options \(rule.additionalOptions)")
        }
        let table = try routeTableNumber(rule.table, instance: instance)
        var mark: UInt32?
        var mask: UInt32?
        if let text = rule.firewallMark {
            let parts = text.split(separator: "/", maxSplits: 1).map { parseNumber(String($0)) }
            guard let first = parts.first ?? nil, parts.count == 1 || parts[1] != nil else {
                throw .outOfRange(instance: instance, keyword: "fwmark", value: text)
            }
            mark = first
            mask = parts.count == 2 ? parts[1] : nil
        }
        self.init(
            family: family, from: rule.from.flatMap { Netlink.IPPrefix($0.description) },
            to: rule.to.flatMap { Netlink.IPPrefix($0.description) }, table: table, priority: rule.priority,
            fwmark: mark, fwmask: mask, inputInterface: rule.inputInterface,
            outputInterface: rule.outputInterface, action: rule.gotoPriority.map { .goto($0) } ?? .lookup)
    }
}

/// `main`, `local`, `default` or a number: what `table` may say without /etc/iproute2.
func routeTableNumber(_ text: String?, instance: String) throws(InstanceSettingsError) -> UInt32 {
    switch text ?? "main" {
    case "main": return RouteTable.main
    case "local": return RouteTable.local
    case "default": return RouteTable.default
    case let text:
        guard let number = UInt32(text) else {
            throw .unsupported(instance: instance, what: "route table name \(text) (use its number)")
        }
        return number
    }
}

/// Decimal or `0x` hexadecimal, as `ip rule ... fwmark` takes it.
private func parseNumber(_ text: String) -> UInt32? {
    text.hasPrefix("0x") ? UInt32(text.dropFirst(2), radix: 16) : UInt32(text)
}

/// Adds and removes an instance's virtual rules, idempotently like `VirtualAddressTable`.
struct VirtualRuleTable: Sendable {
    let netlink: RouteNetlink
    let rules: [Netlink.Rule]

    func addAll() -> [String] {
        var failures: [String] = []
        for rule in rules {
            do {
                try netlink.addRule(rule)
            } catch let error as NetlinkError where error.isAlreadyExists {
                continue
            } catch {
                failures.append("cannot add rule \(rule): \(error)")
            }
        }
        return failures
    }

    /// Removes every rule, except those `kept` also holds.
    func removeAll(except kept: VirtualRuleTable? = nil) -> [String] {
        let keep = Set(kept?.rules ?? [])
        var failures: [String] = []
        for rule in rules where !keep.contains(rule) {
            do {
                try netlink.removeRule(rule)
            } catch let error as NetlinkError where error.isNotFound {
                continue
            } catch {
                failures.append("cannot remove rule \(rule): \(error)")
            }
        }
        return failures
    }
}
