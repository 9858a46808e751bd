/// Typed access to a statement's arguments. Each accessor reports a bad or missing value at the
/// word's own location, says what was expected, and returns nil so reading can go on.
extension Statement {
    public var name: String { keyword.text }

    /// The argument at `index`, or an error at the keyword when it is missing.
    public func argument(_ index: Int = 0, _ diagnostics: inout Diagnostics, expected: String = "a value") -> Word? {
        guard index < arguments.count else {
            diagnostics.error("'\(name)' expects \(expected)", at: arguments.last?.location ?? keyword.location)
            return nil
        }
        return arguments[index]
    }

    /// All arguments joined by one space: for free text such as `router_id` or `script`.
    public var joinedArguments: String { arguments.map(\.text).joined(separator: " ") }

    public func string(_ diagnostics: inout Diagnostics) -> String? {
        argument(0, &diagnostics, expected: "a value")?.text
    }

    public func integer(in range: ClosedRange<Int>, _ diagnostics: inout Diagnostics) -> Int? {
        argument(0, &diagnostics, expected: "an integer in \(range.lowerBound)...\(range.upperBound)")?
            .integer(in: range, for: name, &diagnostics)
    }

    public func decimal(in range: ClosedRange<Double>, _ diagnostics: inout Diagnostics) -> Double? {
        argument(0, &diagnostics, expected: "a number")?.decimal(in: range, for: name, &diagnostics)
    }

    /// keepalived's booleans: a bare keyword means true; otherwise on/off, true/false, yes/no, 1/0.
    public func boolean(_ diagnostics: inout Diagnostics) -> Bool? {
        guard let word = arguments.first else { return true }
        return word.boolean(for: name, &diagnostics)
    }

    public func address(_ diagnostics: inout Diagnostics) -> IPAddress? {
        argument(0, &diagnostics, expected: "an IP address")?.address(for: name, &diagnostics)
    }

    public func port(_ diagnostics: inout Diagnostics) -> Int? {
        integer(in: 0...65535, &diagnostics)
    }

    /// The statements inside the braces, or an error when the keyword has no block.
    public func requireBlock(_ diagnostics: inout Diagnostics) -> [Statement] {
        guard let block else {
            diagnostics.error("'\(name)' expects a block in braces", at: keyword.location)
            return []
        }
        return block
    }
}

extension Word {
    public func integer(in range: ClosedRange<Int>, for keyword: String, _ diagnostics: inout Diagnostics) -> Int? {
        guard let value = Int(text) else {
            diagnostics.error("'\(keyword)' expects an integer, got '\(text)'", at: location)
            return nil
        }
        guard range.contains(value) else {
            diagnostics.error(
                "'\(keyword)' must be in \(range.lowerBound)...\(range.upperBound), got \(value)", at: location)
            return nil
        }
        return value
    }

    public func decimal(in range: ClosedRange<Double>, for keyword: String, _ diagnostics: inout Diagnostics) -> Double? {
        guard let value = Double(text), value.isFinite else {
            diagnostics.error("'\(keyword)' expects a number, got '\(text)'", at: location)
            return nil
        }
        guard range.contains(value) else {
            diagnostics.error(
                "'\(keyword)' must be in \(range.lowerBound.formatted)...\(range.upperBound.formatted), got \(text)",
                at: location)
            return nil
        }
        return value
    }

    public func boolean(for keyword: String, _ diagnostics: inout Diagnostics) -> Bool? {
        switch text.lowercased() {
        case "on", "true", "yes", "1": return true
        case "off", "false", "no", "0": return false
        default:
            diagnostics.error("'\(keyword)' expects on/off, true/false or yes/no, got '\(text)'", at: location)
            return nil
        }
    }

    public func address(for keyword: String, _ diagnostics: inout Diagnostics) -> IPAddress? {
        guard let address = IPAddress(text) else {
            diagnostics.error("'\(keyword)' expects an IPv4 or IPv6 address, got '\(text)'", at: location)
            return nil
        }
        return address
    }

    public func prefix(for keyword: String, _ diagnostics: inout Diagnostics) -> IPPrefix? {
        guard let prefix = IPPrefix(text) else {
            diagnostics.error("'\(keyword)' expects an address with an optional /prefix, got '\(text)'", at: location)
            return nil
        }
        return prefix
    }
}

extension Double {
    /// Shortest text that reads back as the same value: `1` not `1.0`, `0.1` as is, and
    /// `0.000001` rather than `1e-06`, which keepalived's number reader refuses.
    public var formatted: String {
        if self == rounded() && abs(self) < 1e15 { return String(Int(self)) }
        let text = String(self)
        guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return text }
        let exponent = Int(text[text.index(after: e)...].drop { $0 == "+" }) ?? 0
        var mantissa = Substring(text[..<e])
        let sign = mantissa.hasPrefix("-") ? "-" : ""
        if !sign.isEmpty { mantissa = mantissa.dropFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        var digits = String(parts[0]) + (parts.count > 1 ? String(parts[1]) : "")
        var point = parts[0].count + exponent
        if point <= 0 {
            digits = String(repeating: "0", count: 1 - point) + digits
            point = 1
        }
        if point >= digits.count { return sign + digits + String(repeating: "0", count: point - digits.count) }
        var fraction = digits.dropFirst(point)
        while fraction.last == "0" { fraction = fraction.dropLast() }
        return sign + digits.prefix(point) + (fraction.isEmpty ? "" : "." + fraction)
    }
}

/// Walks the statements of a block. `handle` returns false for a keyword it does not know, which
/// gets keepalived's warning and is skipped: unknown keywords never abort a load.
public func readBlock(
    _ statements: [Statement], of blockName: String, origin: inout Origin, _ diagnostics: inout Diagnostics,
    _ handle: (Statement, inout Diagnostics) -> Bool
) {
    for statement in statements {
        origin.record(statement.keyword)
        if !handle(statement, &diagnostics) {
            if KeepalivedConfiguration.sectionKeywords.contains(statement.name) {
                diagnostics.error(
                    "'\(statement.name)' is a top-level block and cannot be inside \(blockName)", at: statement.location)
                continue
            }
            diagnostics.warning("unknown keyword '\(statement.name)' in \(blockName), ignored", at: statement.location)
        }
    }
}
