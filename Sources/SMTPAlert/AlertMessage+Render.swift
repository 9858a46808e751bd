#if canImport(Glibc)
    import Glibc
#endif

extension AlertMessage {
    /// The DATA section keepalived sends: Date, From, Subject, X-Mailer, To, a blank line, the
    /// body, and the terminating dot. Lines are CRLF; a body line starting with `.` is doubled
    /// (RFC 5321 4.5.2) so no body ends the mail early.
    public func rendered(from: String, to recipients: [String], date: String) -> String {
        let header = [
            "Date: \(date)",
            "From: \(from)",
            "Subject: \(Self.oneLine(subject))",
            "X-Mailer: Keepalived",
            "To: \(recipients.joined(separator: ", "))",
        ]
        let bodyLines = body.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let text = line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
            return text.hasPrefix(".") ? "." + text : text
        }
        return (header + [""] + bodyLines).joined(separator: "\r\n") + "\r\n\r\n.\r\n"
    }

    /// Now, as RFC 5322 wants it in the Date header: `Sun, 22 Nov 2026 23:01:02 +0000`, local time.
    public static func dateHeader(_ seconds: Int = Int(time(nil))) -> String {
        var now = time_t(seconds)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S %z", &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A header value never carries a line break (it would start a header of its own).
    private static func oneLine(_ text: String) -> String {
        String(text.map { $0 == "\r" || $0 == "\n" ? " " : $0 })
    }
}
