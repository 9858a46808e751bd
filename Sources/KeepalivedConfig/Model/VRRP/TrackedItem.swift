/// One line of a `track_interface`, `track_script` or `track_file` block:
/// `NAME [weight N [reverse|noreverse]]`.
///
/// With no weight, an interface or script failure means FAULT (a script's own weight applies);
/// with a weight, the priority moves by it instead, the other way round when `reverse`.
public struct TrackedItem: Hashable, Sendable, Codable {
    /// The interface, `vrrp_script` or `track_file` name.
    public var name: String
    public var weight: Int?
    public var reverse: Bool
    public var origin: Origin

    public init(name: String, weight: Int? = nil, reverse: Bool = false) {
        self.name = name
        self.weight = weight
        self.reverse = reverse
        origin = Origin()
    }

    /// The range keepalived allows for a block: ±253, or ±254 for track_file.
    static func weightRange(for block: String) -> ClosedRange<Int> {
        block == "track_file" ? -254...254 : -253...253
    }

    init?(reading statement: Statement, in block: String, _ diagnostics: inout Diagnostics) {
        self.init(name: statement.name)
        origin = Origin(statement.location)
        var words = statement.arguments[...]
        while let word = words.popFirst() {
            if let setting = word.reverseSetting {
                reverse = setting
                continue
            }
            switch word.text {
            case "weight":
                guard let value = words.popFirst() else {
                    diagnostics.error("'weight' in \(block) expects a number", at: word.location)
                    return nil
                }
                guard let weight = value.integer(in: Self.weightRange(for: block), for: "weight", &diagnostics)
                else { return nil }
                self.weight = weight
            default:
                diagnostics.warning("unknown word '\(word.text)' for \(name) in \(block), ignored", at: word.location)
            }
        }
    }

    func render(into writer: inout ConfigWriter) {
        var words = [name]
        if let weight { words += ["weight", String(weight)] }
        if reverse { words.append("reverse") }
        writer.line(words)
    }

    static func readList(_ statement: Statement, _ diagnostics: inout Diagnostics) -> [TrackedItem] {
        statement.requireBlock(&diagnostics).compactMap { TrackedItem(reading: $0, in: statement.name, &diagnostics) }
    }

    static func renderList(_ keyword: String, _ items: [TrackedItem], into writer: inout ConfigWriter) {
        guard !items.isEmpty else { return }
        writer.block(keyword) { w in items.forEach { $0.render(into: &w) } }
    }
}

extension Word {
    /// keepalived's `reverse` / `noreverse` (`no_reverse`) after a weight; nil for any other word.
    var reverseSetting: Bool? {
        switch text {
        case "reverse": true
        case "noreverse", "no_reverse": false
        default: nil
        }
    }
}

extension Statement {
    /// The `weight N [reverse|noreverse]` line of vrrp_script and track_file: the weight when it
    /// is valid, and the reverse setting when one is written; other words warn.
    func weightAndReverse(in range: ClosedRange<Int>, _ diagnostics: inout Diagnostics) -> (
        weight: Int?, reverse: Bool?
    ) {
        let weight = integer(in: range, &diagnostics)
        var reverse: Bool?
        for word in arguments.dropFirst() {
            if let setting = word.reverseSetting {
                reverse = setting
            } else {
                diagnostics.warning("unknown word '\(word.text)' after weight, ignored", at: word.location)
            }
        }
        return (weight, reverse)
    }
}
