import KeepalivedConfig

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// One `track_file` line of an instance with the `track_file` block it names: the number in
/// the file times the weight moves the priority, or holds the instance in FAULT (see
/// `VRRPTrackedObject.fileStatus`).
public struct TrackedFile: Sendable, Hashable {
    public var name: String
    public var path: String
    public var weight: Int
    public var reverse: Bool

    public init(name: String, path: String, weight: Int = 1, reverse: Bool = false) {
        self.name = name
        self.path = path
        self.weight = weight
        self.reverse = reverse
    }

    /// The instance's line wins over the block's default weight and reverse, as for scripts.
    init(_ item: TrackedItem, _ file: TrackFile) {
        self.init(
            name: item.name, path: file.file, weight: item.weight ?? file.weight,
            reverse: item.weight == nil ? file.reverse : item.reverse)
    }

    /// The number at the start of the file, as keepalived reads it (strtol): leading blanks
    /// and a sign allowed, bounded to 32 bits. A missing or unreadable file, or one that does
    /// not start with a number, reads as 0: keepalived 2.2.7 does the same (measured: no
    /// FAULT with weight 0, no priority change otherwise).
    public static func readValue(at path: String) -> Int {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return 0 }
        return parse(buffer[..<count])
    }

    static func parse(_ bytes: some Collection<UInt8>) -> Int {
        var rest = bytes.drop { $0 == UInt8(ascii: " ") || (9...13).contains($0) }
        var negative = false
        if let sign = rest.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            rest = rest.dropFirst()
        }
        var value = 0
        for byte in rest.prefix(while: { (48...57).contains($0) }) {
            value = min(value * 10 + Int(byte - 48), Int(Int32.max) + 1)
        }
        return negative ? max(-value, Int(Int32.min)) : min(value, Int(Int32.max))
    }

    /// `init_file [VALUE] [overwrite]`: writes VALUE when the file is missing, or always with
    /// `overwrite`. Returns what was done, for the log; nil when nothing was.
    static func initialise(_ file: TrackFile) throws(TrackedFileError) -> String? {
        guard let setting = file.initFile else { return nil }
        guard setting.overwrite || access(file.file, F_OK) != 0 else { return nil }
        let fd = open(file.file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .cannotInitialise(file.file, errno: errno) }
        defer { close(fd) }
        let text = Array("\(setting.value)\n".utf8)
        guard text.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == text.count else {
            throw .cannotInitialise(file.file, errno: errno)
        }
        return "Track_file(\(file.name)) initialised \(file.file) to \(setting.value)"
    }
}

public enum TrackedFileError: Error, Hashable, Sendable, CustomStringConvertible {
    case cannotInitialise(String, errno: Int32)
    case cannotWatch(String, errno: Int32)

    public var description: String {
        switch self {
        case .cannotInitialise(let path, let code): "cannot write \(path): \(String(cString: strerror(code)))"
        case .cannotWatch(let path, let code): "cannot watch \(path): \(String(cString: strerror(code)))"
        }
    }
}
