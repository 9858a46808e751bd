import KeepalivedConfig

/// One attempt of one checker against one real server: connect, ask, judge, close. Retries,
/// delay_loop, warmup, alpha and rise/fall belong to the scheduler in checkd, not to a probe.
public protocol RealServerProbe: Sendable {
    /// The checker keyword, as in the config: `TCP_CHECK`, `HTTP_GET`, `MISC_CHECK`, ...
    var keyword: String { get }
    /// Runs one attempt; never throws, every failure is a `ProbeFailure`.
    func attempt() async -> ProbeResult
}

/// What one attempt found.
public enum ProbeResult: Sendable, Hashable {
    /// The server passed; `weight` is set when the checker decides the weight (misc_dynamic,
    /// a dynamic FILE_CHECK).
    case success(weight: Int?)
    case failure(ProbeFailure)

    public var succeeded: Bool {
        if case .success = self { return true }
        return false
    }
}

/// Why an attempt failed, with what keepalived's log line needs (see `logLine(keyword:target:)`).
public enum ProbeFailure: Error, Sendable, Hashable {
    case connectionRefused
    case timeout
    case connectionFailed(String)
    case httpStatus(Int)
    case digestMismatch(expected: String, received: String)
    case tlsHandshake(String)
    case smtpBanner(String)
    case dnsNoAnswer
    case icmpUnreachable
    case udpNoReply
    case replyLength(Int)
    case scriptExit(Int32)
    case scriptTimeout
    case fileValue(String)
    case other(String)
    /// The connection closed before any HTTP response arrived.
    case httpNoData
    /// An SMTP command (`HELO`, `QUIT`) was answered with something other than 250/221.
    case smtpReply(command: String, reply: String)
    /// A DNS reply that does not answer our query (wrong id, truncated, error rcode).
    case dnsReply(String)
    /// A UDP reply that does not start with the `require_reply` pattern.
    case udpReplyMismatch
    /// A MISC_CHECK script killed by a signal that was not our timeout.
    case scriptSignal(Int32)
    /// A MISC_CHECK script that could not be started.
    case scriptNotStarted(String)
    /// The body did (or, with `regex_no_match`, did not) match the url's `regex`.
    case regexMatch(pattern: String)
    /// The failure happened on one `url` of an HTTP_GET or SSL_GET.
    indirect case onURL(path: String, ProbeFailure)
}
