/// The `$NAME=value` parameters defined so far and keepalived's predefined ones (`_PWD`,
/// `_INSTANCE`, `_RANDOM [MIN [MAX]]`, `_HASH`, `_BANG`).
///
/// A value is kept as written, one entry per line of a multi-line definition, and is expanded
/// only where it is used: keepalived substitutes at use time, not at definition time.
struct Parameters {
    private var values: [String: [[UInt8]]] = [:]
    let configID: String

    init(configID: String) {
        self.configID = configID
    }

    mutating func define(_ name: String, lines: [[UInt8]]) {
        values[name] = lines.isEmpty ? [[]] : lines
    }

    mutating func define(_ name: String, value: String) {
        values[name] = [Array(value.utf8)]
    }

    /// The value lines of `name` (with `arguments`, the text after the name inside `${...}`), or nil
    /// when nothing by that name is defined.
    func value(of name: String, arguments: ArraySlice<UInt8>, directory: String) -> [[UInt8]]? {
        if let lines = values[name] { return lines }
        switch name {
        case "_PWD": return [Array(directory.utf8)]
        case "_INSTANCE": return [Array(configID.utf8)]
        case "_HASH": return [[Byte.hash]]
        case "_BANG": return [[Byte.bang]]
        case "_RANDOM": return [Array(Self.random(arguments).utf8)]
        default: return nil
        }
    }

    /// `${_RANDOM}`, `${_RANDOM MIN}` or `${_RANDOM MIN MAX}`: an integer in [MIN, MAX], by default
    /// [0, 32767].
    private static func random(_ arguments: ArraySlice<UInt8>) -> String {
        let numbers = arguments.split(whereSeparator: Byte.isBlank).map { Int(String(decoding: $0, as: UTF8.self)) }
        let low = max(0, (numbers.first ?? 0) ?? 0)
        let high = numbers.count > 1 ? (numbers[1] ?? 32767) : 32767
        return String(Int.random(in: min(low, high)...max(low, high)))
    }
}
