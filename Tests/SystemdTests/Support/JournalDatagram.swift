/// Decodes one datagram of journald's native protocol, as libsystemd sends it: fields are
/// `NAME=value\n`, or `NAME\n` + 64-bit little-endian length + value + `\n` when the value
/// holds a newline or other bytes the simple form cannot carry.
struct JournalDatagram {
    struct Malformed: Error {}

    private(set) var fields: [(name: String, value: String)] = []

    init(_ bytes: [UInt8]) throws {
        var index = 0
        while index < bytes.count {
            guard let end = bytes[index...].firstIndex(where: { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "\n") })
            else { throw Malformed() }
            let name = String(decoding: bytes[index..<end], as: UTF8.self)
            if bytes[end] == UInt8(ascii: "=") {
                guard let newline = bytes[end...].firstIndex(of: UInt8(ascii: "\n")) else { throw Malformed() }
                fields.append((name, String(decoding: bytes[(end + 1)..<newline], as: UTF8.self)))
                index = newline + 1
            } else {
                let lengthStart = end + 1
                guard lengthStart + 8 <= bytes.count else { throw Malformed() }
                let length = bytes[lengthStart..<(lengthStart + 8)].reversed().reduce(0) { $0 << 8 | Int($1) }
                let valueStart = lengthStart + 8
                guard valueStart + length < bytes.count, bytes[valueStart + length] == UInt8(ascii: "\n") else {
                    throw Malformed()
                }
                fields.append((name, String(decoding: bytes[valueStart..<(valueStart + length)], as: UTF8.self)))
                index = valueStart + length + 1
            }
        }
    }

    /// Every value of the field (journal fields may repeat).
    func values(_ name: String) -> [String] {
        fields.filter { $0.name == name }.map(\.value)
    }

    /// The field's value when it occurs exactly once.
    subscript(name: String) -> String? {
        let values = values(name)
        return values.count == 1 ? values[0] : nil
    }
}
