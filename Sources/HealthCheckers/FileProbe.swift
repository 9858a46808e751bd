import KeepalivedConfig

#if canImport(Glibc)
    import Glibc
#endif

/// `FILE_CHECK`: follows a `track_file`. keepalived's rule (keepalived.conf(5), "Track files"):
/// the file holds a number; with weight 0 a non-zero value fails and 0 passes; otherwise the
/// value times the weight (negated by `reverse`) is the result. With `dynamic` the result is
/// added to the real server's configured weight (floored at 0) and reported as its weight;
/// a result at or below -2147483648 fails either way. The FILE_CHECK's own `weight` wins over
/// the track_file's. A missing, unreadable or non-numeric file fails (keepalived logs it too).
public struct FileProbe: RealServerProbe {
    public let path: String
    public let weight: Int
    public let reverse: Bool
    public let dynamic: Bool
    /// The real server's configured weight, which a dynamic result adjusts.
    public let baseWeight: Int

    public var keyword: String { "FILE_CHECK" }

    public init(check: FileCheck, trackFile: TrackFile, baseWeight: Int = 1) {
        path = trackFile.file
        weight = check.weight ?? trackFile.weight
        reverse = check.weight != nil ? check.reverse : trackFile.reverse
        dynamic = check.dynamic
        self.baseWeight = baseWeight
    }

    public func attempt() async -> ProbeResult {
        switch Self.readValue(path) {
        case .failure(let failure): .failure(failure)
        case .success(let value): judge(value)
        }
    }

    func judge(_ value: Int) -> ProbeResult {
        if weight == 0 {
            return value == 0 ? .success(weight: nil) : .failure(.fileValue("\(value)"))
        }
        // keepalived bounds file values to 32 bits; the product then fits in 64.
        let bounded = min(max(value, Int(Int32.min)), Int(Int32.max))
        let scaled = bounded * (reverse ? -weight : weight)
        if scaled <= Int(Int32.min) { return .failure(.fileValue("\(value)")) }
        guard dynamic else { return .success(weight: nil) }
        return .success(weight: min(max(0, baseWeight + scaled), Int(Int32.max)))
    }

    /// The number at the start of the file (leading blanks and a sign allowed, as strtol).
    static func readValue(_ path: String) -> Result<Int, ProbeFailure> {
        guard let file = fopen(path, "r") else {
            return .failure(.fileValue("cannot read \(path): \(String(cString: strerror(errno)))"))
        }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 128)
        let count = fread(&buffer, 1, buffer.count - 1, file)
        let text = String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let word = text.split(whereSeparator: { $0.isWhitespace }).first.map(String.init) ?? ""
        guard let value = Int(word) else {
            return .failure(.fileValue(word.isEmpty ? "empty file \(path)" : "'\(word)' is not a number"))
        }
        return .success(value)
    }
}
