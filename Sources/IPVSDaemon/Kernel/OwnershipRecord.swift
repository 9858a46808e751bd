#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The kernel services the running configuration declared, one `ipvsadm -Ln` key a line, kept
/// in a file under /run: when ipvsd restarts with a configuration that dropped a virtual
/// server, it still knows that service was its own and removes it (others stay untouched).
/// /run is emptied at boot, as the kernel table is.
struct OwnershipRecord: Sendable {
    static let defaultPath = "/run/keepalive/ipvsd.services"

    let path: String

    func read() -> Set<String> {
        guard let file = fopen(path, "r") else { return [] }
        defer { fclose(file) }
        var lines: Set<String> = []
        var buffer = [CChar](repeating: 0, count: 512)
        while fgets(&buffer, Int32(buffer.count), file) != nil {
            let line = String(
                decoding: buffer.prefix { $0 != 0 && $0 != 10 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if !line.isEmpty { lines.insert(line) }
        }
        return lines
    }

    /// Writes the set through a temporary file and a rename, so a crash leaves the old or the new
    /// record, never half of one. Returns the error text when it could not.
    func write(_ keys: Set<String>) -> String? {
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            mkdir(String(path[..<slash]), 0o755)
        }
        let temporary = path + ".new"
        guard let file = fopen(temporary, "w") else {
            return "cannot write \(temporary): \(String(cString: strerror(errno)))"
        }
        for key in keys.sorted() { fputs(key + "\n", file) }
        guard fclose(file) == 0, rename(temporary, path) == 0 else {
            return "cannot write \(path): \(String(cString: strerror(errno)))"
        }
        return nil
    }
}
