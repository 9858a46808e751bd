import KeepalivedConfig

#if canImport(Glibc)
    import Glibc
#endif

/// The `SSL` block as SSL_GET probes load it: the block and the contents of the files it names.
/// A reload compares these, so a certificate renewed at the same path reaches the probes too,
/// as keepalived rereads the files on every reload.
struct SSLClientMaterial: Hashable, Sendable {
    var block: SSLClient?
    /// The CA, certificate and key files' bytes; nil for a file that is not set or cannot be
    /// read (the probe factory then says why).
    var contents: [[UInt8]?]

    init(_ block: SSLClient?) {
        self.block = block
        contents = [block?.caFile, block?.certificateFile, block?.keyFile].map { $0.flatMap(Self.contents(of:)) }
    }

    /// A whole (small) file, or nil when it cannot be read.
    private static func contents(of path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
            // A certificate, a key or a CA bundle is far smaller; anything bigger is not one.
            if bytes.count > 16 * 1024 * 1024 { return nil }
        }
    }
}

extension RealServerSpec {
    /// The indices of the SSL_GET checkers: the ones that present the `SSL` block's certificate.
    var sslClientCheckers: [Int] {
        checkers.indices.filter { if case .sslGet = checkers[$0].checker { true } else { false } }
    }
}
