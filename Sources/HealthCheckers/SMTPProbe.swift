import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// `SMTP_CHECK`: on each host (the checker's own address, then every `host` block) read the
/// 220 banner, send `HELO helo_name` and expect 250, then `QUIT`. Every host must pass.
public struct SMTPProbe: RealServerProbe {
    public let targets: [ProbeTarget]
    public let heloName: String
    let group: any EventLoopGroup

    public var keyword: String { "SMTP_CHECK" }

    public init(targets: [ProbeTarget], heloName: String, eventLoopGroup: any EventLoopGroup) {
        self.targets = targets
        self.heloName = heloName
        self.group = eventLoopGroup
    }

    /// keepalived's default HELO name: this machine's host name.
    public static func localHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public func attempt() async -> ProbeResult {
        for target in targets {
            if let failure = await dialogue(with: target) { return .failure(failure) }
        }
        return .success(weight: nil)
    }

    private func dialogue(with target: ProbeTarget) async -> ProbeFailure? {
        let helo = heloName
        let outcome = await StreamExchange.run(to: target, tls: nil, on: group) {
            reader, writer -> ProbeFailure? in
            guard let banner = try await Self.reply(&reader) else { return .smtpBanner("no banner") }
            guard banner.code == 220 else { return .smtpBanner(banner.text) }
            await writer.send("HELO \(helo)\r\n")
            guard let greeting = try await Self.reply(&reader) else {
                return .smtpReply(command: "HELO", reply: "connection closed")
            }
            guard greeting.code == 250 else { return .smtpReply(command: "HELO", reply: greeting.text) }
            await writer.send("QUIT\r\n")
            // keepalived does not judge the answer to QUIT; the server is up by now.
            _ = try? await Self.reply(&reader)
            return nil
        }
        switch outcome {
        case .success(let failure): return failure
        case .failure(let failure): return failure
        }
    }

    /// One reply, following `250-` continuation lines to the last `250 ` line.
    static func reply(_ reader: inout StreamReader) async throws -> (code: Int, text: String)? {
        while let line = try await reader.readLine() {
            let code = Int(line.prefix(3)) ?? 0
            let continued = line.count > 3 && line[line.index(line.startIndex, offsetBy: 3)] == "-"
            if !continued { return (code, line) }
        }
        return nil
    }
}
