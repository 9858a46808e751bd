/// One line of `virtual_routes` or `static_routes`, in `ip route add` syntax:
/// `[src X] [to|dest] PFX [via|gw GW [or GW2]] [dev IF] [scope S] [table T] [metric M] ...`,
/// or `blackhole|unreachable|prohibit|throw PFX`.
///
/// The options used by most configurations are typed; the long tail (`mtu`, `advmss`,
/// `realms`, `nexthop ...`, ...) is kept in order as `additionalOptions` and printed back as is.
/// An unknown keyword is an error: keepalived drops such a route ("unknown route keyword").
public struct VirtualRoute: Hashable, Sendable, Codable, ConfigRenderable {
    /// The route type keyword before the destination, such as `blackhole`; nil for unicast.
    public var type: RouteType?
    public var destination: IPPrefix
    /// `src`: the preferred source address.
    public var source: IPAddress?
    /// `via` (historically `gw`): the gateway.
    public var gateway: IPAddress?
    /// `or`: a second gateway, keepalived's older way of writing a two-hop multipath route.
    public var alternateGateway: IPAddress?
    /// `dev`: the output interface.
    public var device: String?
    public var scope: String?
    /// `table`: a number or a name from rt_tables.
    public var table: String?
    /// `metric` (also `priority`, `preference`).
    public var metric: UInt32?
    /// `protocol` (also `proto`).
    public var routingProtocol: String?
    /// `onlink`: pretend the gateway is directly attached.
    public var onLink: Bool
    /// `no_track`: a deleted route does not take the instance out of MASTER.
    public var noTrack: Bool
    /// `track_group`: the static track group watching this static route.
    public var trackGroup: String?
    /// `inet6`: force IPv6 for a route that could be either family.
    public var forceIPv6: Bool
    /// Other `ip route` options in the order written, e.g. `["mtu", "1400", "nexthop", ...]`.
    public var additionalOptions: [String]
    public var origin: Origin

    /// The `ip route` types keepalived accepts before the destination.
    public enum RouteType: String, Hashable, Sendable, Codable, CaseIterable {
        case unicast, local, broadcast, multicast, anycast, blackhole, unreachable, prohibit, `throw`, nat
    }

    /// The other `ip route` options keepalived 2.2 reads: how many values each takes, and
    /// whether a `lock` may come before the value (route metrics).
    static let otherOptions: [String: (values: Int, lockable: Bool)] = [
        "tos": (1, false), "dsfield": (1, false), "mtu": (1, true), "advmss": (1, true), "rtt": (1, true),
        "rttvar": (1, true), "reordering": (1, true), "window": (1, true), "cwnd": (1, true), "ssthresh": (1, true),
        "realms": (1, false), "rto_min": (1, true), "initcwnd": (1, true), "initrwnd": (1, true),
        "features": (1, false), "quickack": (1, false), "congctl": (1, true), "pref": (1, false),
        "hoplimit": (1, true), "fastopen_no_cookie": (1, false), "vrf": (1, false), "expires": (1, false),
        "ttl-propagate": (1, false), "append": (0, false), "encap": (2, false),
    ]

    public init(destination: IPPrefix) {
        self.destination = destination
        onLink = false
        noTrack = false
        forceIPv6 = false
        additionalOptions = []
        origin = Origin()
    }

    init?(reading statement: Statement, _ diagnostics: inout Diagnostics) {
        let all = [statement.keyword] + statement.arguments
        var words = all[...]
        var destination: IPPrefix?
        self.init(destination: IPPrefix(address: .v4(0), length: 0))
        origin = Origin(statement.location)
        func value(_ option: Word, _ diagnostics: inout Diagnostics) -> Word? {
            guard let value = words.popFirst() else {
                diagnostics.error("'\(option.text)' in a route expects a value", at: option.location)
                return nil
            }
            return value
        }
        func address(_ option: Word, _ diagnostics: inout Diagnostics) -> IPAddress? {
            value(option, &diagnostics)?.address(for: option.text, &diagnostics)
        }
        while let word = words.popFirst() {
            switch word.text {
            case "src":
                guard let source = address(word, &diagnostics) else { return nil }
                self.source = source
            case "to":
                guard let prefix = value(word, &diagnostics)?.prefix(for: "to", &diagnostics) else { return nil }
                destination = prefix
            case "via", "gw":
                if word.text == "gw" {
                    diagnostics.warning("'gw' for routes is deprecated, use 'via'", at: word.location)
                }
                guard let gateway = address(word, &diagnostics) else { return nil }
                self.gateway = gateway
            case "or":
                guard let gateway = address(word, &diagnostics) else { return nil }
                alternateGateway = gateway
            case "dev", "oif":
                guard let device = value(word, &diagnostics) else { return nil }
                self.device = device.text
            case "scope":
                guard let scope = value(word, &diagnostics) else { return nil }
                self.scope = scope.text
            case "table":
                guard let table = value(word, &diagnostics) else { return nil }
                self.table = table.text
            case "metric", "priority", "preference":
                guard let metric = value(word, &diagnostics) else { return nil }
                guard let number = UInt32(metric.text) else {
                    diagnostics.error("'\(word.text)' expects a number, got '\(metric.text)'", at: metric.location)
                    return nil
                }
                self.metric = number
            case "protocol":
                guard let name = value(word, &diagnostics) else { return nil }
                routingProtocol = name.text
            case "track_group":
                guard let group = value(word, &diagnostics) else { return nil }
                trackGroup = group.text
            case "onlink": onLink = true
            case "no_track": noTrack = true
            case "inet6": forceIPv6 = true
            case "nexthop":
                additionalOptions += [word.text] + words.map(\.text)
                words = []
            default:
                if let type = RouteType(rawValue: word.text), destination == nil {
                    self.type = type
                } else if destination == nil, let prefix = IPPrefix(word.text) {
                    destination = prefix
                } else if destination == nil, word.text.first?.isNumber == true || word.text.contains(":") {
                    diagnostics.error("invalid route destination '\(word.text)'", at: word.location)
                    return nil
                } else if let arity = Self.otherOptions[word.text] {
                    additionalOptions.append(word.text)
                    if arity.lockable, words.first?.text == "lock" {
                        additionalOptions.append(words.removeFirst().text)
                    }
                    for _ in 0..<arity.values {
                        guard let value = value(word, &diagnostics) else { return nil }
                        additionalOptions.append(value.text)
                    }
                } else {
                    diagnostics.error("unknown route keyword '\(word.text)'", at: word.location)
                    return nil
                }
            }
        }
        guard let destination else {
            diagnostics.error("route has no destination", at: statement.location)
            return nil
        }
        self.destination = destination
    }

    public var words: [String] {
        var words: [String] = []
        if let type { words.append(type.rawValue) }
        // Always with its length: keepalived echoes the destination as written in its messages.
        words.append("\(destination.address)/\(destination.length)")
        func add(_ keyword: String, _ value: String?) {
            if let value { words += [keyword, value] }
        }
        add("src", source?.description)
        add("via", gateway?.description)
        add("or", alternateGateway?.description)
        add("dev", device)
        add("scope", scope)
        add("table", table)
        add("metric", metric.map { String($0) })
        add("protocol", routingProtocol)
        add("track_group", trackGroup)
        if onLink { words.append("onlink") }
        if noTrack { words.append("no_track") }
        if forceIPv6 { words.append("inet6") }
        return words + additionalOptions
    }

    public func render(into writer: inout ConfigWriter) {
        writer.line(words)
    }
}
