import CNetlink

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

extension RouteNetlink {
    /// Adds a route (`ip route add`). Throws an error with `isAlreadyExists` when it is there.
    public func addRoute(_ route: Route) throws {
        try withSocket { socket in
            let object = try makeRouteObject(route)
            defer { rtnl_route_put(object) }
            try socket.perform("add route \(route.destination) table \(route.table)") {
                rtnl_route_add($0, object, NLM_F_EXCL)
            }
        }
    }

    /// Removes a route (`ip route del`), matched on the fields that are set.
    public func removeRoute(_ route: Route) throws {
        try withSocket { socket in
            let object = try makeRouteObject(route)
            defer { rtnl_route_put(object) }
            try socket.perform("remove route \(route.destination) table \(route.table)") {
                rtnl_route_delete($0, object, 0)
            }
        }
    }

    /// The routes of a family (both when nil) in one table (all tables when nil). A multipath
    /// route is reported with its first next hop.
    public func routes(family: IPAddress.Family? = nil, table: UInt32? = nil) throws -> [Route] {
        try withSocket { socket in
            var result: [Route] = []
            let addressFamily = family?.addressFamily ?? AF_UNSPEC
            try socket.forEachObject(
                "list routes", fill: { rtnl_route_alloc_cache($0, addressFamily, 0, $1) }
            ) { object in
                guard let route = Route(rtnlRoute: object) else { return }
                if let table, route.table != table { return }
                result.append(route)
            }
            return result
        }
    }

    // MARK: Rules

    /// Adds a policy routing rule (`ip rule add`).
    public func addRule(_ rule: Rule) throws {
        try withSocket { socket in
            let object = try makeRuleObject(rule)
            defer { rtnl_rule_put(object) }
            try socket.perform("add rule \(describe(rule))") { rtnl_rule_add($0, object, NLM_F_EXCL) }
        }
    }

    /// Removes a policy routing rule (`ip rule del`), matched on the fields that are set.
    public func removeRule(_ rule: Rule) throws {
        try withSocket { socket in
            let object = try makeRuleObject(rule)
            defer { rtnl_rule_put(object) }
            try socket.perform("remove rule \(describe(rule))") { rtnl_rule_delete($0, object, 0) }
        }
    }

    /// The rules of a family, or of both when nil.
    public func rules(family: IPAddress.Family? = nil) throws -> [Rule] {
        try withSocket { socket in
            var result: [Rule] = []
            let addressFamily = family?.addressFamily ?? AF_UNSPEC
            try socket.forEachObject("list rules", fill: { rtnl_rule_alloc_cache($0, addressFamily, $1) }) { object in
                if let rule = Rule(rtnlRule: object) { result.append(rule) }
            }
            return result
        }
    }

    private func describe(_ rule: Rule) -> String {
        var text = "from \(rule.from.map(\.description) ?? "all")"
        if let to = rule.to { text += " to \(to)" }
        if let priority = rule.priority { text += " priority \(priority)" }
        return text + " table \(rule.table)"
    }
}

// MARK: - rtnl_route conversions

private func makeRouteObject(_ route: Route) throws -> OpaquePointer {
    for address in [route.gateway, route.source].compactMap({ $0 }) where address.family != route.family {
        throw NetlinkError.invalidArgument("\(address) is not in the family of \(route.destination)")
    }
    guard let object = rtnl_route_alloc() else {
        throw NetlinkError.library(operation: "allocate route", code: NLE_NOMEM, message: "out of memory")
    }
    rtnl_route_set_family(object, UInt8(route.family.addressFamily))
    rtnl_route_set_table(object, route.table)
    rtnl_route_set_type(object, route.type.rawValue)
    rtnl_route_set_protocol(object, route.protocol.rawValue)
    if let scope = route.scope { rtnl_route_set_scope(object, scope.rawValue) }
    if let metric = route.metric { rtnl_route_set_priority(object, metric) }
    var status: Int32 = 0
    if let destination = route.destination.makeNLAddr() {
        status = rtnl_route_set_dst(object, destination)
        nl_addr_put(destination)
    }
    if status >= 0, let source = route.source?.makeNLAddr() {
        status = rtnl_route_set_pref_src(object, source)
        nl_addr_put(source)
    }
    guard status >= 0 else {
        rtnl_route_put(object)
        throw NetlinkError.library(
            operation: "build route \(route.destination)", code: -status, message: String(cString: nl_geterror(status)))
    }
    if route.gateway != nil || route.interfaceIndex != nil, let nextHop = rtnl_route_nh_alloc() {
        if let index = route.interfaceIndex { rtnl_route_nh_set_ifindex(nextHop, Int32(index)) }
        if let gateway = route.gateway?.makeNLAddr() {
            rtnl_route_nh_set_gateway(nextHop, gateway)
            nl_addr_put(gateway)
        }
        rtnl_route_add_nexthop(object, nextHop)  // the route owns it from here
    }
    return object
}

extension Route {
    init?(rtnlRoute object: OpaquePointer) {
        guard let destination = IPPrefix(nlAddr: rtnl_route_get_dst(object)) else { return nil }
        var gateway: IPAddress?
        var interfaceIndex: Int?
        if rtnl_route_get_nnexthops(object) > 0, let nextHop = rtnl_route_nexthop_n(object, 0) {
            gateway = IPAddress(nlAddr: rtnl_route_nh_get_gateway(nextHop))
            let index = rtnl_route_nh_get_ifindex(nextHop)
            interfaceIndex = index > 0 ? Int(index) : nil
        }
        self.init(
            destination: destination,
            gateway: gateway,
            interfaceIndex: interfaceIndex,
            source: IPAddress(nlAddr: rtnl_route_get_pref_src(object)),
            metric: rtnl_route_get_priority(object),
            table: rtnl_route_get_table(object),
            scope: Scope(rawValue: rtnl_route_get_scope(object)),
            type: RouteType(rawValue: rtnl_route_get_type(object)),
            protocol: RouteProtocol(rawValue: rtnl_route_get_protocol(object)))
    }
}

// MARK: - rtnl_rule conversions

private let ruleActionLookup: UInt8 = 1
private let ruleActionGoto: UInt8 = 2
private let ruleActionBlackhole: UInt8 = 6
private let ruleActionUnreachable: UInt8 = 7
private let ruleActionProhibit: UInt8 = 8

private func makeRuleObject(_ rule: Rule) throws -> OpaquePointer {
    for prefix in [rule.from, rule.to].compactMap({ $0 }) where prefix.family != rule.family {
        throw NetlinkError.invalidArgument("\(prefix) is not in the rule's family")
    }
    guard let object = rtnl_rule_alloc() else {
        throw NetlinkError.library(operation: "allocate rule", code: NLE_NOMEM, message: "out of memory")
    }
    rtnl_rule_set_family(object, rule.family.addressFamily)
    rtnl_rule_set_table(object, rule.table)
    if let priority = rule.priority { rtnl_rule_set_prio(object, priority) }
    if let fwmark = rule.fwmark { rtnl_rule_set_mark(object, fwmark) }
    if let fwmask = rule.fwmask { rtnl_rule_set_mask(object, fwmask) }
    switch rule.action {
    case .lookup: rtnl_rule_set_action(object, ruleActionLookup)
    case .goto(let target):
        rtnl_rule_set_action(object, ruleActionGoto)
        rtnl_rule_set_goto(object, target)
    case .blackhole: rtnl_rule_set_action(object, ruleActionBlackhole)
    case .unreachable: rtnl_rule_set_action(object, ruleActionUnreachable)
    case .prohibit: rtnl_rule_set_action(object, ruleActionProhibit)
    case .other(let value): rtnl_rule_set_action(object, value)
    }
    var status: Int32 = 0
    if let from = rule.from?.makeNLAddr() {
        status = rtnl_rule_set_src(object, from)
        nl_addr_put(from)
    }
    if status >= 0, let to = rule.to?.makeNLAddr() {
        status = rtnl_rule_set_dst(object, to)
        nl_addr_put(to)
    }
    if status >= 0, let name = rule.inputInterface { status = rtnl_rule_set_iif(object, name) }
    if status >= 0, let name = rule.outputInterface { status = rtnl_rule_set_oif(object, name) }
    guard status >= 0 else {
        rtnl_rule_put(object)
        throw NetlinkError.library(
            operation: "build rule", code: -status, message: String(cString: nl_geterror(status)))
    }
    return object
}

extension Rule {
    init?(rtnlRule object: OpaquePointer) {
        guard let family = IPAddress.Family(addressFamily: rtnl_rule_get_family(object)) else { return nil }
        let action: RuleAction =
            switch rtnl_rule_get_action(object) {
            case ruleActionLookup: .lookup
            case ruleActionGoto: .goto(rtnl_rule_get_goto(object))
            case ruleActionBlackhole: .blackhole
            case ruleActionUnreachable: .unreachable
            case ruleActionProhibit: .prohibit
            case let value: .other(value)
            }
        // The kernel sends no FRA_FWMARK when both mark and mask are 0; libnl then reads 0.
        let mark = rtnl_rule_get_mark(object)
        let mask = rtnl_rule_get_mask(object)
        let hasMark = mark != 0 || (mask != 0 && mask != UInt32.max)
        self.init(
            family: family,
            from: IPPrefix(nlAddr: rtnl_rule_get_src(object)),
            to: IPPrefix(nlAddr: rtnl_rule_get_dst(object)),
            table: rtnl_rule_get_table(object),
            priority: rtnl_rule_get_prio(object),
            fwmark: hasMark ? mark : nil,
            fwmask: hasMark ? mask : nil,
            inputInterface: optionalString(rtnl_rule_get_iif(object)),
            outputInterface: optionalString(rtnl_rule_get_oif(object)),
            action: action)
    }
}
