/// keepalived's log texts, so people can keep grepping for what they know. `target` is the
/// real server as keepalived prints it (`RealServer.displayName`, `[10.0.0.2]:80`).
///
/// keepalived 2.2's lines, which these follow: `TCP connection to [..]:80 failed.`,
/// `HTTP status code error to [..]:80 url(/), status_code [500].`, `MD5 digest error to [..]:80
/// url[/], MD5SUM [..].`, `Timeout connecting server [..]:80.`, `Misc check for [..] ... exited
/// with status 1.`, `DNS_CHECK ([..]:53) no answer.`; details keepalived leaves out (the errno,
/// the expected digest) are added at the end in parentheses.
extension ProbeFailure {
    public func logLine(keyword: String, target: String) -> String {
        switch self {
        case .onURL(let path, let failure):
            return failure.urlLine(keyword: keyword, target: target, path: path)
        case .connectionRefused, .timeout, .connectionFailed, .icmpUnreachable:
            return connectionLine(keyword: keyword, target: target)
        case .httpStatus(let code):
            return "HTTP status code error to \(target), status_code [\(code)]."
        case .digestMismatch(let expected, let received):
            return "MD5 digest error to \(target), MD5SUM [\(received)] (expected \(expected))."
        case .regexMatch(let pattern):
            return "Regex match failed server \(target) (regex \(pattern))."
        case .httpNoData:
            return "Read, no data received from server \(target)."
        case .tlsHandshake(let reason):
            return "SSL handshake/communication error connecting to server \(target) (\(reason))."
        case .smtpBanner(let banner):
            return "SMTP_CHECK bad banner from server \(target): \(banner)."
        case .smtpReply(let command, let reply):
            return "SMTP_CHECK error to \(command) from server \(target): \(reply)."
        case .dnsNoAnswer:
            return "DNS_CHECK (\(target)) no answer."
        case .dnsReply(let reason):
            return "DNS_CHECK (\(target)) bad reply: \(reason)."
        case .udpNoReply:
            return "UDP_CHECK to \(target) failed: no reply."
        case .replyLength(let length):
            return "UDP_CHECK to \(target) failed: reply length \(length) out of range."
        case .udpReplyMismatch:
            return "UDP_CHECK to \(target) failed: reply does not match require_reply."
        case .scriptExit(let status):
            return "Misc check for \(target) failed: exited with status \(status)."
        case .scriptSignal(let signal):
            return "Misc check for \(target) failed: killed due to signal \(signal)."
        case .scriptTimeout:
            return "Misc check for \(target) failed: timed out."
        case .scriptNotStarted(let reason):
            return "Misc check for \(target) failed: could not be started (\(reason))."
        case .fileValue(let value):
            return "FILE_CHECK for \(target) failed: file value \(value)."
        case .other(let reason):
            return "\(keyword) to \(target) failed: \(reason)."
        }
    }

    /// Connect-level failures, worded per checker type as keepalived words them.
    private func connectionLine(keyword: String, target: String) -> String {
        let reason: String
        switch self {
        case .connectionRefused: reason = "connection refused"
        case .timeout: reason = "timeout"
        case .icmpUnreachable: reason = "destination unreachable"
        case .connectionFailed(let text): reason = text
        default: reason = "\(self)"
        }
        switch keyword {
        case "HTTP_GET", "SSL_GET":
            return self == .timeout
                ? "Timeout connecting server \(target)." : "Error connecting server \(target) (\(reason))."
        case "SMTP_CHECK": return "SMTP_CHECK connection to \(target) failed (\(reason))."
        case "DNS_CHECK": return "DNS_CHECK (\(target)) \(self == .timeout ? "timeout" : "failed (\(reason))")."
        case "UDP_CHECK": return "UDP_CHECK to \(target) failed (\(reason))."
        case "PING_CHECK": return "ICMP check to \(target) failed (\(reason))."
        default: return "TCP connection to \(target) failed (\(reason))."
        }
    }

    private func urlLine(keyword: String, target: String, path: String) -> String {
        switch self {
        case .httpStatus(let code):
            return "HTTP status code error to \(target) url(\(path)), status_code [\(code)]."
        case .digestMismatch(let expected, let received):
            return "MD5 digest error to \(target) url[\(path)], MD5SUM [\(received)] (expected \(expected))."
        case .timeout:
            return "Timeout HTTP read to server \(target) url(\(path))."
        default:
            let line = logLine(keyword: keyword, target: target)
            return String(line.dropLast()) + " url(\(path))."
        }
    }
}
