#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The file system as the configuration reader needs it: whole files as bytes, glob(3) with csh
/// brace expressions for `include`, real paths to detect include loops, and the host name.
enum SourceFiles {
    enum ReadError: Error {
        case failed(String)
    }

    /// The whole file, read with plain read(2) calls. An included file must be a regular file:
    /// an `include` matching a FIFO or a device would hang or exhaust a daemon on reload.
    static func contents(of path: String, regularFileOnly: Bool = false) -> Result<[UInt8], ReadError> {
        // O_NONBLOCK so that opening a FIFO to look at it never waits for a writer.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | (regularFileOnly ? O_NONBLOCK : 0))
        guard descriptor >= 0 else { return .failure(.failed(errorText())) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return .failure(.failed(errorText())) }
        guard (status.st_mode & S_IFMT) != S_IFDIR else { return .failure(.failed("it is a directory")) }
        if regularFileOnly, (status.st_mode & S_IFMT) != S_IFREG {
            return .failure(.failed("it is not a regular file"))
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(status.st_size) + 1)
        let chunk = 1 << 16
        while true {
            let before = bytes.count
            var readError: String?
            bytes.append(contentsOf: repeatElement(0, count: chunk))
            let count = bytes.withUnsafeMutableBufferPointer { buffer -> Int in
                while true {
                    let n = read(descriptor, buffer.baseAddress! + before, chunk)
                    if n < 0, errno == EINTR { continue }
                    if n < 0 { readError = errorText() }
                    return max(n, 0)
                }
            }
            bytes.removeLast(chunk - count)
            if let readError { return .failure(.failed(readError)) }
            if count == 0 { return .success(bytes) }
        }
    }

    /// The paths matching `pattern`, sorted; csh brace expressions are expanded.
    static func glob(_ pattern: String) -> Result<[String], ReadError> {
        var matches = glob_t()
        defer { globfree(&matches) }
        #if canImport(Glibc)
            let status = Glibc.glob(pattern, GLOB_BRACE, nil, &matches)
        #else
            let status = Darwin.glob(pattern, GLOB_BRACE, nil, &matches)
        #endif
        switch status {
        case 0:
            return .success(
                (0..<Int(matches.gl_pathc)).compactMap { index in
                    matches.gl_pathv[index].map { String(cString: $0) }
                })
        case GLOB_NOMATCH:
            return .success([])
        default:
            return .failure(.failed(status == GLOB_NOSPACE ? "out of memory" : "read error"))
        }
    }

    static func hasWildcards(_ pattern: String) -> Bool {
        pattern.contains { $0 == "*" || $0 == "?" || $0 == "[" || $0 == "{" }
    }

    static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func currentDirectory() -> String {
        guard let directory = getcwd(nil, 0) else { return "." }
        defer { free(directory) }
        return String(cString: directory)
    }

    /// The host name up to its first dot: keepalived's default config id.
    static func shortHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return String(name.prefix { $0 != "." })
    }

    /// The directory part of `path` ("" for a bare file name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `path` relative to `directory` unless it is absolute.
    static func join(_ directory: String, _ path: String) -> String {
        if path.hasPrefix("/") || directory.isEmpty { return path }
        return directory.hasSuffix("/") ? directory + path : directory + "/" + path
    }

    private static func errorText() -> String {
        String(cString: strerror(errno))
    }
}
