/// A `virtual_server_group NAME { ... }`: addresses, address ranges and firewall marks that one
/// `virtual_server group NAME` serves with a single set of real servers and checkers.
public struct VirtualServerGroup: Hashable, Sendable, Codable {
    /// One line of the group.
    public enum Entry: Hashable, Sendable, Codable, CustomStringConvertible {
        /// `<IPADDR> [<PORT>]`.
        case address(address: IPAddress, port: Int?)
        /// `<IPADDR>-<LAST> [<PORT>]`, every address from `first` to `last` inclusive. keepalived
        /// accepts `10.0.0.1-10` (last byte, or last group for IPv6) and `10.0.0.250-10.0.1.10`.
        case range(first: IPAddress, last: IPAddress, port: Int?)
        /// `<IPADDR>/<LEN> [<PORT>]`, every address of the prefix.
        case prefix(prefix: IPPrefix, port: Int?)
        /// `fwmark <INTEGER> [inet|inet6]`.
        case fwmark(mark: Int, family: IPAddress.Family?)

        public var port: Int? {
            switch self {
            case .address(_, let port), .range(_, _, let port), .prefix(_, let port): port
            case .fwmark: nil
            }
        }

        var words: [String] {
            switch self {
            case .address(let address, let port): [address.description] + Self.portWords(port)
            case .range(let first, let last, let port): [Self.rangeText(first, last)] + Self.portWords(port)
            case .prefix(let prefix, let port): ["\(prefix.address)/\(prefix.length)"] + Self.portWords(port)
            case .fwmark(let mark, let family): ["fwmark", String(mark)] + (family.map { [$0.rawValue] } ?? [])
            }
        }

        public var description: String { words.joined(separator: " ") }

        private static func portWords(_ port: Int?) -> [String] { port.map { [String($0)] } ?? [] }

        /// The short form when only the last byte (IPv4) or group (IPv6) differs.
        private static func rangeText(_ first: IPAddress, _ last: IPAddress) -> String {
            let a = first.bytes
            let b = last.bytes
            switch first {
            case .v4 where a.prefix(3) == b.prefix(3): return "\(first)-\(b[3])"
            case .v6 where a.prefix(14) == b.prefix(14):
                return "\(first)-\(String(Int(b[14]) << 8 | Int(b[15]), radix: 16))"
            default: return "\(first)-\(last)"
            }
        }
    }

    public var origin = Origin()
    public var name: String
    public var entries: [Entry] = []

    public init(name: String, entries: [Entry] = []) {
        self.name = name
        self.entries = entries
    }

    /// The address families of the group's addresses (fwmarks aside).
    public var families: Set<IPAddress.Family> {
        Set(
            entries.compactMap {
                switch $0 {
                case .address(let address, _), .range(let address, _, _): address.family
                case .prefix(let prefix, _): prefix.address.family
                case .fwmark: nil
                }
            })
    }

    init?(reading statement: Statement, _ diagnostics: inout Diagnostics) {
        guard let name = statement.argument(0, &diagnostics, expected: "a group name") else { return nil }
        self.init(name: name.text)
        origin = Origin(statement.location)
        for line in statement.requireBlock(&diagnostics) {
            entries.appendIfPresent(Self.entry(line, &diagnostics))
        }
        if entries.isEmpty {
            diagnostics.warning("virtual_server_group \(name.text) has no entries", at: statement.location)
        }
        if families.count == 2, entries.contains(where: { if case .fwmark(_, nil) = $0 { true } else { false } }) {
            diagnostics.error(
                "virtual_server_group \(name.text) has IPv4 and IPv6 addresses, so each fwmark needs inet or inet6",
                at: statement.location)
        }
    }

    /// One entry line: here the "keyword" is the address (or `fwmark`).
    private static func entry(_ line: Statement, _ diagnostics: inout Diagnostics) -> Entry? {
        if line.block != nil {
            diagnostics.error("virtual_server_group entries take no block", at: line.location)
            return nil
        }
        if line.name == "fwmark" {
            guard let word = line.argument(0, &diagnostics, expected: "a firewall mark"),
                let mark = word.integer(in: 1...Int(UInt32.max), for: "fwmark", &diagnostics)
            else { return nil }
            var family: IPAddress.Family?
            if line.arguments.count > 1 {
                let word = line.arguments[1]
                guard let value = IPAddress.Family(rawValue: word.text) else {
                    diagnostics.error(
                        "'fwmark' expects inet or inet6 after the mark, got '\(word.text)'", at: word.location)
                    return nil
                }
                family = value
            }
            if line.arguments.count > 2 {
                diagnostics.error("'fwmark': unexpected '\(line.arguments[2].text)'", at: line.arguments[2].location)
                return nil
            }
            return .fwmark(mark: mark, family: family)
        }
        var port: Int?
        if let portWord = line.arguments.first {
            guard let value = portWord.integer(in: 1...65535, for: "virtual_server_group port", &diagnostics) else {
                return nil
            }
            port = value
        }
        if line.arguments.count > 1 {
            diagnostics.error(
                "virtual_server_group: unexpected '\(line.arguments[1].text)'", at: line.arguments[1].location)
            return nil
        }
        let text = line.keyword.text
        if let address = IPAddress(text) { return .address(address: address, port: port) }
        if text.contains("/"), let prefix = IPPrefix(text) { return .prefix(prefix: prefix, port: port) }
        if let (first, last) = range(text) { return .range(first: first, last: last, port: port) }
        diagnostics.error(
            "virtual_server_group expects an address, range (10.0.0.1-10), prefix or 'fwmark N', got '\(text)'",
            at: line.location)
        return nil
    }

    /// `first-last` with a full last address, or keepalived's short form with the last byte or group.
    private static func range(_ text: String) -> (IPAddress, IPAddress)? {
        guard let dash = text.firstIndex(of: "-") else { return nil }
        let tail = text[text.index(after: dash)...]
        if let first = IPAddress(text[..<dash]), let last = IPAddress(tail) {
            return first.family == last.family && first <= last ? (first, last) : nil
        }
        guard let short = IPAddressRange(text), let last = short.addresses.last else { return nil }
        return (short.first, last)
    }
}

extension VirtualServerGroup: ConfigRenderable {
    public func render(into writer: inout ConfigWriter) {
        writer.block("virtual_server_group", name) { w in
            for entry in entries { w.line(entry.words) }
        }
    }
}
