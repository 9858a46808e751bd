import NIOCore
import NIOPosix
import NIOSSL

#if canImport(Glibc)
    import Glibc
#endif

extension ProbeFailure {
    /// What a socket or TLS error means to a checker: refused, timed out, TLS, or the errno text.
    static func from(_ error: any Error) -> ProbeFailure {
        switch error {
        case let failure as ProbeFailure:
            return failure
        case let error as IOError:
            return from(errno: error.errnoCode)
        case let error as NIOConnectionError:
            if let first = error.connectionErrors.first { return from(first.error) }
            return .connectionFailed("\(error)")
        case ChannelError.connectTimeout:
            return .timeout
        case let error as ChannelError:
            return .connectionFailed("\(error)")
        case let error as NIOSSLError:
            return .tlsHandshake("\(error)")
        case let error as BoringSSLError:
            return .tlsHandshake("\(error)")
        case let error as NIOSSLExtraError:
            return .tlsHandshake("\(error)")
        default:
            return .connectionFailed("\(error)")
        }
    }

    /// Errno values from connect, send and recv.
    static func from(errno code: Int32) -> ProbeFailure {
        switch code {
        case ECONNREFUSED: .connectionRefused
        case ETIMEDOUT: .timeout
        case EHOSTUNREACH, ENETUNREACH: .icmpUnreachable
        default: .connectionFailed(String(cString: strerror(code)))
        }
    }
}
