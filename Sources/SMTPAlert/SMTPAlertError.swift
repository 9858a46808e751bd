/// Why one alert was not delivered; every case names the SMTP stage it failed in, the way
/// keepalived's log lines do.
public enum SMTPAlertError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The TCP connection failed (refused, unreachable, name not resolved).
    case connectionFailed(server: String, reason: String)
    /// No connection or no reply within `smtp_connect_timeout`.
    case timedOut(server: String, stage: SMTPStage)
    /// The server answered a stage with a code other than the one that lets us go on.
    case rejected(server: String, stage: SMTPStage, code: Int)
    /// The server closed the connection before the alert was accepted.
    case closed(server: String, stage: SMTPStage)
    /// A reply line that is not `NNN text`.
    case malformedReply(server: String, stage: SMTPStage, line: String)

    public var description: String {
        switch self {
        case .connectionFailed(let server, let reason): "SMTP connection ERROR to \(server): \(reason)."
        case .timedOut(let server, .connect): "Timeout connecting SMTP server \(server)."
        case .timedOut(let server, let stage): "Timeout reading \(stage) reply from remote SMTP server \(server)."
        case .rejected(let server, let stage, let code):
            "Error processing \(stage) cmd on SMTP server \(server). SMTP status code = \(code)"
        case .closed(let server, let stage): "Remote SMTP server \(server) has closed the connection during \(stage)."
        case .malformedReply(let server, let stage, let line):
            "Malformed \(stage) reply from SMTP server \(server): \(line)"
        }
    }
}

/// The steps of one alert session, each waiting for one reply.
public enum SMTPStage: String, Sendable, Hashable, CustomStringConvertible {
    case connect = "CONNECT"
    case helo = "HELO"
    case mail = "MAIL"
    case rcpt = "RCPT"
    case data = "DATA"
    case body = "DOT"
    case quit = "QUIT"

    public var description: String { rawValue }

    /// The reply code that lets the session go on.
    var expectedCode: Int {
        switch self {
        case .connect: 220
        case .data: 354
        case .quit: 221
        default: 250
        }
    }
}
