/// A `~SEQ(...)`, `~SEQx(...)` or `~LST(...)` at the start of a line: the rest of the line is read
/// once for each value, with the variable(s) defined as parameters.
///
/// `~SEQ(var, end)`, `~SEQ(var, start, end)`, `~SEQ(var, start, step, end)`: start defaults to 1
/// (-1 when end is negative), step to 1 or -1 towards end; numbers are read like strtol base 0
/// (`0x` hex, leading `0` octal), as keepalived does. `~SEQx` writes the values in hexadecimal.
/// `~LST(var, v1, v2, ...)` or `~LST({a, b}, {1, 2}, {3, 4})` lists the values. A number or value
/// written as `$NAME` or `${NAME}` is that parameter's value, as in keepalived.
struct Repetition {
    /// The variables, and one row of values per repetition.
    var variables: [String]
    var rows: [[String]]

    static let maximumCount = 1_000_000

    enum ParseError: Error {
        case notRepetition
        case invalid(String)
    }

    /// Reads the specification starting at `start` (a `~`); returns it and the index after `)`.
    static func parse(
        _ bytes: [UInt8], at start: Int, end: Int, resolve: (String) -> String?
    ) -> Result<(Repetition, Int), ParseError> {
        let text = bytes[start..<end]
        let kind: Kind
        if text.starts(with: "~SEQx(".utf8) {
            kind = .sequence(hex: true)
        } else if text.starts(with: "~SEQ(".utf8) {
            kind = .sequence(hex: false)
        } else if text.starts(with: "~LST(".utf8) {
            kind = .list
        } else {
            return .failure(.notRepetition)
        }
        let open = text.firstIndex(of: Byte.openParen)!
        guard let close = text[open...].firstIndex(of: Byte.closeParen) else {
            return .failure(.invalid("expected ')' to close the specification"))
        }
        let inner = String(decoding: bytes[(open + 1)..<close], as: UTF8.self)
        let parsed: Result<Repetition, ParseError> =
            switch kind {
            case .sequence(let hex): sequence(inner, hex: hex, resolve: resolve)
            case .list: list(inner, resolve: resolve)
            }
        return parsed.map { ($0, close + 1) }
    }

    private enum Kind {
        case sequence(hex: Bool)
        case list
    }

    private static func sequence(
        _ inner: String, hex: Bool, resolve: (String) -> String?
    ) -> Result<Repetition, ParseError> {
        var fields = inner.split(separator: ",", omittingEmptySubsequences: false).map(trimmed)
        for index in fields.indices.dropFirst() { fields[index] = resolved(fields[index], resolve) }
        guard (2...4).contains(fields.count) else {
            return .failure(.invalid("expected (variable, [start, [step,]] end)"))
        }
        guard isName(fields[0]) else {
            return .failure(.invalid("'\(fields[0])' is not a parameter name"))
        }
        var numbers: [Int] = []
        for field in fields.dropFirst() {
            guard let number = integer(field) else {
                return .failure(.invalid("'\(field)' is not an integer"))
            }
            numbers.append(number)
        }
        let end = numbers[numbers.count - 1]
        let start = numbers.count >= 2 ? numbers[0] : (end < 0 ? -1 : 1)
        let step = numbers.count == 3 ? numbers[1] : (end >= start ? 1 : -1)
        guard step != 0 else { return .failure(.invalid("the step must not be 0")) }
        var rows: [[String]] = []
        var value = start
        while step > 0 ? value <= end : value >= end {
            guard rows.count < maximumCount else {
                return .failure(.invalid("more than \(maximumCount) values"))
            }
            let magnitude = String(value.magnitude, radix: hex ? 16 : 10)
            rows.append([value < 0 ? "-" + magnitude : magnitude])
            let (next, overflow) = value.addingReportingOverflow(step)
            if overflow { break }
            value = next
        }
        return .success(Repetition(variables: [fields[0]], rows: rows))
    }

    private static func list(_ inner: String, resolve: (String) -> String?) -> Result<Repetition, ParseError> {
        guard var items = topLevelItems(inner), items.count >= 2 else {
            return .failure(.invalid("expected (variable, value, ...) or ({variables}, {values}, ...)"))
        }
        for index in items.indices.dropFirst() { items[index] = items[index].map { resolved($0, resolve) } }
        let variables = items[0]
        guard variables.allSatisfy(isName) else {
            return .failure(.invalid("'\(variables.joined(separator: ", "))' is not a list of parameter names"))
        }
        let rows = Array(items.dropFirst())
        for row in rows {
            guard row.count == variables.count else {
                return .failure(.invalid("expected \(variables.count) values in each group"))
            }
            if let bad = row.first(where: { $0.contains(where: \.isWhitespace) }) {
                return .failure(.invalid("the value '\(bad)' contains a blank"))
            }
        }
        return .success(Repetition(variables: variables, rows: rows))
    }

    /// Splits `a, {b, c}, d` into `[[a], [b, c], [d]]`; nil when a brace group is not closed.
    private static func topLevelItems(_ text: String) -> [[String]]? {
        var items: [[String]] = []
        var rest = Substring(text)
        while true {
            rest = rest.drop(while: \.isWhitespace)
            if rest.first == "{" {
                guard let close = rest.firstIndex(of: "}") else { return nil }
                let group = rest[rest.index(after: rest.startIndex)..<close]
                items.append(group.split(separator: ",", omittingEmptySubsequences: false).map(trimmed))
                rest = rest[rest.index(after: close)...].drop(while: \.isWhitespace)
                guard rest.isEmpty || rest.first == "," else { return nil }
            } else {
                let comma = rest.firstIndex(of: ",") ?? rest.endIndex
                items.append([trimmed(rest[..<comma])])
                rest = rest[comma...]
            }
            guard !rest.isEmpty else { return items }
            rest = rest.dropFirst()
        }
    }

    /// `$NAME` or `${NAME}` replaced by the parameter's value (a few levels deep); other text as is.
    private static func resolved(_ field: String, _ resolve: (String) -> String?) -> String {
        var text = field
        for _ in 0..<8 {
            guard text.hasPrefix("$") else { break }
            var name = text.dropFirst()
            if name.hasPrefix("{"), name.hasSuffix("}") { name = name.dropFirst().dropLast() }
            guard let value = resolve(String(name)) else { break }
            text = trimmed(Substring(value))
        }
        return text
    }

    private static func trimmed(_ text: Substring) -> String {
        String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    private static func isName(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, Byte.isNameStart(first) else { return false }
        return bytes.allSatisfy(Byte.isNameContinuation)
    }

    /// strtol(text, base 0): optional sign, then `0x` hexadecimal, `0` octal or decimal.
    static func integer(_ text: String) -> Int? {
        var digits = Substring(text)
        var negative = false
        if let sign = digits.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        var radix = 10
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            radix = 16
            digits = digits.dropFirst(2)
        } else if digits.count > 1, digits.hasPrefix("0") {
            radix = 8
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.first != "-", digits.first != "+",
            let magnitude = Int(digits, radix: radix)
        else { return nil }
        return negative ? -magnitude : magnitude
    }
}
