/// One line of `virtual_ipaddress`, `virtual_ipaddress_excluded` or `static_ipaddress`:
/// `<IPADDR>[/<MASK>] [brd <IPADDR>] [dev <STRING>] [scope <SCOPE>] [label <LABEL>] ...`,
/// the options of `ip address add`. A missing mask is a host address (/32 or /128).
public struct VirtualAddress: Hashable, Sendable, Codable, ConfigRenderable {
    public var address: IPPrefix
    /// `brd`: a broadcast address, or `+`/`-` to set or clear the host bits.
    public var broadcast: String?
    /// `dev`: the interface; the instance's interface (or default_interface) when nil.
    public var device: String?
    /// `scope`: site, link, host, nowhere, global or a number.
    public var scope: String?
    /// `label`: an alias name such as `eth0:1`.
    public var label: String?
    /// `peer`: the remote end of a point-to-point address (an address, no prefix).
    public var peer: IPAddress?
    /// `home`: IPv6 home address (IFA_F_HOMEADDRESS).
    public var home: Bool
    /// `-nodad`: skip IPv6 duplicate address detection.
    public var noDAD: Bool
    /// `mngtmpaddr`: manage temporary addresses from this one.
    public var manageTemporaryAddresses: Bool
    /// `noprefixroute`: do not add the prefix route.
    public var noPrefixRoute: Bool
    /// `autojoin`: join the multicast group of a multicast address.
    public var autoJoin: Bool
    /// `no_track`: a deleted address does not take the instance out of MASTER.
    public var noTrack: Bool
    /// `use_vmac`: put the address on a VMAC of its `dev`.
    public var useVMAC: Bool
    /// `track_group`: the static track group watching this static address.
    public var trackGroup: String?
    /// `preferred_lft`: seconds, or `forever`.
    public var preferredLifetime: String?
    public var origin: Origin

    public init(address: IPPrefix) {
        self.address = address
        home = false
        noDAD = false
        manageTemporaryAddresses = false
        noPrefixRoute = false
        autoJoin = false
        noTrack = false
        useVMAC = false
        origin = Origin()
    }

    static let scopes: Set<String> = ["site", "link", "host", "nowhere", "global"]

    init?(reading statement: Statement, _ diagnostics: inout Diagnostics) {
        guard let address = statement.keyword.prefix(for: "virtual address", &diagnostics) else { return nil }
        self.init(address: address)
        origin = Origin(statement.location)
        var words = statement.arguments[...]
        func value(_ option: Word, _ diagnostics: inout Diagnostics) -> Word? {
            guard let value = words.popFirst() else {
                diagnostics.error("'\(option.text)' for address \(address) expects a value", at: option.location)
                return nil
            }
            return value
        }
        while let option = words.popFirst() {
            switch option.text {
            case "brd", "broadcast":
                guard let word = value(option, &diagnostics) else { return nil }
                guard ["+", "-"].contains(word.text) || IPAddress(word.text) != nil else {
                    diagnostics.error("'brd' expects an address, '+' or '-', got '\(word.text)'", at: word.location)
                    return nil
                }
                broadcast = word.text
            case "dev":
                guard let word = value(option, &diagnostics) else { return nil }
                device = word.text
            case "scope":
                guard let word = value(option, &diagnostics) else { return nil }
                guard Self.scopes.contains(word.text) || UInt8(word.text) != nil else {
                    diagnostics.error("invalid scope '\(word.text)' for address \(address)", at: word.location)
                    return nil
                }
                scope = word.text
            case "label":
                guard let word = value(option, &diagnostics) else { return nil }
                label = word.text
            case "peer":
                guard let word = value(option, &diagnostics), let peer = word.address(for: "peer", &diagnostics)
                else { return nil }
                self.peer = peer
            case "track_group":
                guard let word = value(option, &diagnostics) else { return nil }
                trackGroup = word.text
            case "preferred_lft":
                guard let word = value(option, &diagnostics) else { return nil }
                guard word.text == "forever" || UInt32(word.text) != nil else {
                    diagnostics.error(
                        "'preferred_lft' expects seconds or 'forever', got '\(word.text)'", at: word.location)
                    return nil
                }
                preferredLifetime = word.text
            case "home": home = true
            case "-nodad": noDAD = true
            case "mngtmpaddr": manageTemporaryAddresses = true
            case "noprefixroute": noPrefixRoute = true
            case "autojoin": autoJoin = true
            case "no_track": noTrack = true
            case "use_vmac": useVMAC = true
            default:
                diagnostics.warning(
                    "unknown configuration entry '\(option.text)' for ip address, ignored", at: option.location)
            }
        }
    }

    public var words: [String] {
        var words = [address.description]
        func add(_ keyword: String, _ value: String?) {
            if let value { words += [keyword, value] }
        }
        add("brd", broadcast)
        add("dev", device)
        add("scope", scope)
        add("label", label)
        add("peer", peer?.description)
        add("track_group", trackGroup)
        add("preferred_lft", preferredLifetime)
        let flags = [
            ("home", home), ("-nodad", noDAD), ("mngtmpaddr", manageTemporaryAddresses),
            ("noprefixroute", noPrefixRoute), ("autojoin", autoJoin), ("no_track", noTrack),
            ("use_vmac", useVMAC),
        ]
        words += flags.filter(\.1).map(\.0)
        return words
    }

    public func render(into writer: inout ConfigWriter) {
        writer.line(words)
    }
}
