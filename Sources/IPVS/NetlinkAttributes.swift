/// Netlink attributes (`struct nlattr`: 16-bit length, 16-bit type, payload padded to 4 bytes)
/// encoded and decoded in Swift, so no C pointer outlives the libnl call that carries them.
struct AttributeWriter {
    private(set) var bytes: [UInt8] = []

    mutating func put(_ type: Int, payload: some Collection<UInt8>) {
        let length = 4 + payload.count
        appendHost(UInt16(length))
        appendHost(UInt16(type))
        bytes.append(contentsOf: payload)
        bytes.append(contentsOf: repeatElement(0, count: (4 - length % 4) % 4))
    }

    mutating func put(_ type: Int, u8 value: UInt8) { put(type, payload: [value]) }
    mutating func put(_ type: Int, u16 value: UInt16) { put(type, payload: hostBytes(value)) }
    mutating func put(_ type: Int, u32 value: UInt32) { put(type, payload: hostBytes(value)) }
    mutating func put(_ type: Int, bigEndian16 value: UInt16) { put(type, payload: hostBytes(value.bigEndian)) }

    /// A NUL-terminated string, as the kernel's `NLA_NUL_STRING` policies expect.
    mutating func put(_ type: Int, string value: String) { put(type, payload: Array(value.utf8) + [0]) }

    mutating func putNested(_ type: Int, _ build: (inout AttributeWriter) -> Void) {
        var inner = AttributeWriter()
        build(&inner)
        put(type, payload: inner.bytes)
    }

    private mutating func appendHost<T: FixedWidthInteger>(_ value: T) { bytes.append(contentsOf: hostBytes(value)) }
}

func hostBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value) { Array($0) }
}

/// The attributes of one message or nest, by type (the last one wins, as in `nla_parse`).
/// IPVS attribute types are small, so they index an array: a table of ten thousand
/// destinations is decoded without a dictionary per entry.
struct AttributeTable {
    private var slots: [ArraySlice<UInt8>?] = []

    init(parsing bytes: ArraySlice<UInt8>) throws(IPVSError) {
        var offset = bytes.startIndex
        while bytes.endIndex - offset >= 4 {
            let length = Int(Self.host(UInt16.self, bytes[offset..<offset + 2]))
            let type = Int(Self.host(UInt16.self, bytes[offset + 2..<offset + 4])) & 0x3FFF  // NLA_TYPE_MASK
            guard length >= 4, offset + length <= bytes.endIndex else {
                throw .malformedReply("attribute \(type) claims \(length) bytes, \(bytes.endIndex - offset) left")
            }
            if slots.count <= type {
                slots.append(contentsOf: repeatElement(nil, count: type + 1 - slots.count))
            }
            slots[type] = bytes[offset + 4..<offset + length]
            offset += (length + 3) & ~3
        }
    }

    subscript(type: Int) -> ArraySlice<UInt8>? { type >= 0 && type < slots.count ? slots[type] : nil }

    func u8(_ type: Int) -> UInt8? { integer(type) }
    func u16(_ type: Int) -> UInt16? { integer(type) }
    func u32(_ type: Int) -> UInt32? { integer(type) }
    /// The first four bytes of a struct attribute, in host order.
    func leadingU32(_ type: Int) -> UInt32? {
        guard let payload = self[type], payload.count >= 4 else { return nil }
        return Self.host(UInt32.self, payload.prefix(4))
    }

    func bigEndian16(_ type: Int) -> UInt16? { integer(type).map { UInt16(bigEndian: $0) } }

    /// A counter the kernel sends as u32 or u64 depending on the attribute set.
    func counter(_ type: Int) -> UInt64? {
        switch self[type]?.count {
        case 4: integer(type).map { (value: UInt32) in UInt64(value) }
        case 8: integer(type)
        default: nil
        }
    }

    func string(_ type: Int) -> String? {
        self[type].map { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    func nested(_ type: Int) throws(IPVSError) -> AttributeTable? {
        guard let payload = self[type] else { return nil }
        return try AttributeTable(parsing: payload)
    }

    private func integer<T: FixedWidthInteger>(_ type: Int) -> T? {
        guard let payload = self[type], payload.count == MemoryLayout<T>.size else { return nil }
        return Self.host(T.self, payload)
    }

    /// Native byte order, as netlink carries every integer but ports and addresses.
    private static func host<T: FixedWidthInteger>(_: T.Type, _ bytes: ArraySlice<UInt8>) -> T {
        var value = T.zero
        withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: bytes) }
        return value
    }
}
