/// A minimal XML reader for D-Bus introspection documents: elements, attributes, comments,
/// the XML declaration and a DOCTYPE. Text content is skipped, as introspection has none that
/// matters. Hand-written so the binaries need no FoundationXML (which breaks static linking).
struct XMLElement: Sendable, Equatable {
    var name: String
    var attributes: [String: String]
    var children: [XMLElement]
    var line: Int
}

/// An XML document the reader cannot accept, with the line it stopped at.
struct XMLSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    var line: Int
    var message: String
    var description: String { "line \(line): \(message)" }
}

struct XMLReader {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1

    init(_ text: String) { bytes = Array(text.utf8) }

    /// Parses the document and returns its root element.
    static func parse(_ text: String) throws(XMLSyntaxError) -> XMLElement {
        var reader = XMLReader(text)
        return try reader.document()
    }

    private mutating func document() throws(XMLSyntaxError) -> XMLElement {
        var root: XMLElement?
        while true {
            skipText()
            guard index < bytes.count else { break }
            if try skipMarkup() { continue }
            guard root == nil else { throw fail("more than one root element") }
            root = try element()
        }
        guard let root else { throw fail("no root element") }
        return root
    }

    /// Skips `<?...?>`, `<!--...-->` and `<!...>`; returns false at an element start.
    private mutating func skipMarkup() throws(XMLSyntaxError) -> Bool {
        if starts(with: "<?") {
            try skip(past: "?>")
        } else if starts(with: "<!--") {
            try skip(past: "-->")
        } else if starts(with: "<!") {
            try skip(past: ">")
        } else {
            return false
        }
        return true
    }

    private mutating func element() throws(XMLSyntaxError) -> XMLElement {
        let startLine = line
        try expect("<")
        let name = try self.name()
        var attributes: [String: String] = [:]
        while true {
            skipSpace()
            if starts(with: "/>") {
                index += 2
                return XMLElement(name: name, attributes: attributes, children: [], line: startLine)
            }
            if starts(with: ">") {
                index += 1
                break
            }
            let key = try self.name()
            skipSpace()
            try expect("=")
            skipSpace()
            guard attributes[key] == nil else { throw fail("duplicate attribute '\(key)'") }
            attributes[key] = try quoted()
        }
        var children: [XMLElement] = []
        while true {
            skipText()
            guard index < bytes.count else { throw fail("'<\(name)>' is never closed") }
            if starts(with: "</") {
                index += 2
                let closing = try self.name()
                guard closing == name else { throw fail("'</\(closing)>' closes '<\(name)>'") }
                skipSpace()
                try expect(">")
                return XMLElement(name: name, attributes: attributes, children: children, line: startLine)
            }
            if try skipMarkup() { continue }
            children.append(try element())
        }
    }

    private mutating func name() throws(XMLSyntaxError) -> String {
        let start = index
        while index < bytes.count, isNameByte(bytes[index]) { index += 1 }
        guard index > start else { throw fail("expected a name") }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func quoted() throws(XMLSyntaxError) -> String {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
            throw fail("expected a quoted attribute value")
        }
        let quote = bytes[index]
        index += 1
        let start = index
        while index < bytes.count, bytes[index] != quote {
            if bytes[index] == UInt8(ascii: "\n") { line += 1 }
            if bytes[index] == UInt8(ascii: "<") { throw fail("'<' in an attribute value") }
            index += 1
        }
        guard index < bytes.count else { throw fail("unterminated attribute value") }
        let raw = String(decoding: bytes[start..<index], as: UTF8.self)
        index += 1
        return try decodeEntities(raw)
    }

    private func decodeEntities(_ text: String) throws(XMLSyntaxError) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";") else { throw fail("unterminated entity") }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "lt": out += "<"
            case "gt": out += ">"
            case "amp": out += "&"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                let number: UInt32? =
                    entity.hasPrefix("#x")
                    ? UInt32(entity.dropFirst(2), radix: 16)
                    : entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil
                guard let number, let scalar = Unicode.Scalar(number) else {
                    throw fail("unknown entity '&\(entity);'")
                }
                out.unicodeScalars.append(scalar)
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }

    private mutating func skipText() {
        while index < bytes.count, bytes[index] != UInt8(ascii: "<") {
            if bytes[index] == UInt8(ascii: "\n") { line += 1 }
            index += 1
        }
    }

    private mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) {
            if bytes[index] == 0x0A { line += 1 }
            index += 1
        }
    }

    private mutating func skip(past terminator: String) throws(XMLSyntaxError) {
        let startLine = line
        while index < bytes.count {
            if starts(with: terminator) {
                index += terminator.utf8.count
                return
            }
            if bytes[index] == 0x0A { line += 1 }
            index += 1
        }
        line = startLine
        throw fail("'\(terminator)' never comes")
    }

    private func starts(with prefix: String) -> Bool {
        let p = Array(prefix.utf8)
        return index + p.count <= bytes.count && Array(bytes[index..<index + p.count]) == p
    }

    private mutating func expect(_ text: String) throws(XMLSyntaxError) {
        guard starts(with: text) else { throw fail("expected '\(text)'") }
        index += text.utf8.count
    }

    private func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: ":") || byte >= 0x80
    }

    private func fail(_ message: String) -> XMLSyntaxError { XMLSyntaxError(line: line, message: message) }
}
