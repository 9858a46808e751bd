/// `UDP_CHECK`: send a datagram and treat an ICMP unreachable (or, with `require_reply`, a
/// missing or wrong reply) as failure.
public struct UDPCheck: Hashable, Sendable, Codable {
    public var origin = Origin()
    public var options = CheckerOptions()
    /// The datagram sent, as lower-case hex byte pairs; a random payload when unset.
    public var payload: String?
    /// A reply must arrive for the check to pass.
    public var requireReply = false
    /// Bytes the reply must start with, as hex pairs where `x` is a nibble that may be anything.
    public var replyPattern: String?
    /// Shortest acceptable reply, when a reply is required.
    public var minReplyLength = 0
    /// Longest acceptable reply, when a reply is required.
    public var maxReplyLength = 255

    public init() {}

    init(reading statement: Statement, _ diagnostics: inout Diagnostics) {
        var origin = Origin(statement.location)
        readBlock(statement.requireBlock(&diagnostics), of: "UDP_CHECK", origin: &origin, &diagnostics) { s, d in
            switch s.name {
            case "payload":
                payload = Self.hex(s, wildcards: false, &d) ?? payload
            case "require_reply":
                requireReply = true
                replyPattern = s.arguments.isEmpty ? nil : Self.hex(s, wildcards: true, &d)
            case "min_reply_length": minReplyLength = s.integer(in: 0...65535, &d) ?? minReplyLength
            case "max_reply_length": maxReplyLength = s.integer(in: 0...65535, &d) ?? maxReplyLength
            default: return options.read(s, &d)
            }
            return true
        }
        self.origin = origin
        if minReplyLength > maxReplyLength {
            diagnostics.error(
                "UDP_CHECK min_reply_length \(minReplyLength) exceeds max_reply_length \(maxReplyLength)",
                at: origin["min_reply_length"] ?? statement.location)
        }
    }

    /// keepalived's free hex format: each word is read in pairs of digits from the left, and a
    /// lone last digit is a byte of its own, so `Ab12f 3` is `ab 12 0f 03`.
    static func hex(_ statement: Statement, wildcards: Bool, _ diagnostics: inout Diagnostics) -> String? {
        guard !statement.arguments.isEmpty else {
            diagnostics.error("'\(statement.name)' expects hexadecimal bytes", at: statement.location)
            return nil
        }
        var result = ""
        for word in statement.arguments {
            let digits = Array(word.text.lowercased())
            guard digits.allSatisfy({ $0.isHexDigit || (wildcards && $0 == "x") }) else {
                diagnostics.error(
                    "'\(statement.name)' expects hexadecimal digits\(wildcards ? " or x" : ""), got '\(word.text)'",
                    at: word.location)
                return nil
            }
            var index = 0
            while index < digits.count {
                if index + 1 < digits.count {
                    result += String(digits[index...index + 1])
                } else {
                    result += "0" + String(digits[index])
                }
                index += 2
            }
        }
        return result
    }

    func render(into writer: inout ConfigWriter) {
        writer.block("UDP_CHECK") { w in
            options.render(into: &w)
            w.option("payload", payload)
            if requireReply { w.line(["require_reply"] + (replyPattern.map { [$0] } ?? [])) }
            if minReplyLength != 0 { w.line("min_reply_length", String(minReplyLength)) }
            if maxReplyLength != 255 { w.line("max_reply_length", String(maxReplyLength)) }
        }
    }
}
