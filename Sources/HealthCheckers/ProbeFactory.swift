import KeepalivedConfig
import NIOCore
import ScriptRunner

/// Turns a configured checker into the probe checkd runs. Everything a probe needs is resolved
/// here, once (addresses, the TLS context, the script command and user, the track file), so an
/// attempt does no parsing and no lookups. All network probes share `eventLoopGroup`.
public enum ProbeFactory {
    /// - Parameters:
    ///   - trackFiles: the config's `track_file` blocks, which FILE_CHECK refers to by name.
    ///   - scriptCredentials: who MISC_CHECK scripts without `user` run as (keepalived's
    ///     `script_user`, else `keepalived_script`, else root); nil runs them as this process.
    ///   - hostName: the HELO name of SMTP_CHECKs without `helo_name`; the local host name when nil.
    ///   - sslClient: the config's `SSL` block, the client certificate of SSL_GETs.
    public static func make(
        _ checker: HealthChecker, realServer: RealServer, virtualServer: VirtualServer,
        trackFiles: [TrackFile] = [], scriptCredentials: ScriptCredentials? = nil, hostName: String? = nil,
        sslClient: SSLClient? = nil, eventLoopGroup: any EventLoopGroup
    ) throws(ProbeConfigurationError) -> any RealServerProbe {
        let settings = virtualServer.settings(of: checker, on: realServer)
        let options = checker.options ?? CheckerOptions()
        func target() throws(ProbeConfigurationError) -> ProbeTarget {
            try ProbeTarget(checker.keyword, settings: settings, options: options)
        }
        switch checker {
        case .tcp:
            return TCPProbe(target: try target())
        case .httpGet(let check), .sslGet(let check):
            let isSSL = if case .sslGet = checker { true } else { false }
            return try HTTPProbe(
                check: check, ssl: isSSL, target: try target(),
                virtualhost: check.virtualhost ?? realServer.virtualhost ?? virtualServer.virtualhost,
                sslClient: isSSL ? sslClient : nil, eventLoopGroup: eventLoopGroup)
        case .smtp(let check):
            var targets = [try target()]
            for host in check.hosts {
                // A host block is the SMTP_CHECK with its own connection options over the checker's.
                var hostCheck = check
                hostCheck.options = host.connection(inheriting: check.options)
                hostCheck.hosts = []
                let hostSettings = virtualServer.settings(of: .smtp(hostCheck), on: realServer)
                targets.append(try ProbeTarget(checker.keyword, settings: hostSettings, options: hostCheck.options))
            }
            return SMTPProbe(
                targets: targets, heloName: check.heloName ?? hostName ?? SMTPProbe.localHostName(),
                eventLoopGroup: eventLoopGroup)
        case .misc(let check):
            return try MiscProbe(
                check: check, timeout: .keepalivedSeconds(check.timeout ?? settings.delayLoop),
                defaultCredentials: scriptCredentials)
        case .file(let check):
            guard let file = trackFiles.first(where: { $0.name == check.trackFile }) else {
                throw .unknownTrackFile(check.trackFile)
            }
            return FileProbe(check: check, trackFile: file, baseWeight: realServer.weight)
        case .dns(let check):
            return DNSProbe(check: check, target: try target(), eventLoopGroup: eventLoopGroup)
        case .udp(let check):
            return try UDPProbe(check: check, target: try target(), eventLoopGroup: eventLoopGroup)
        case .ping:
            return PingProbe(
                address: settings.address, bindTo: options.bindTo,
                timeout: .keepalivedSeconds(settings.connectTimeout), eventLoopGroup: eventLoopGroup)
        case .bfd:
            throw .unsupported("BFD_CHECK")
        }
    }
}

/// Why a checker cannot be turned into a probe; checkd logs it and leaves the checker out.
public enum ProbeConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The checker connects but neither connect_port, the real server nor the virtual server
    /// gives a port (an fwmark service).
    case noPort(String)
    /// The checker connects to an IPv6 link-local address without `bind_if`.
    case linkLocalNeedsBindIf(String, IPAddress)
    /// MISC_CHECK's misc_path cannot be split into a command.
    case badScript(String)
    /// The `user` of a MISC_CHECK does not exist.
    case unknownUser(String)
    /// FILE_CHECK names a track_file the config does not define.
    case unknownTrackFile(String)
    /// A UDP_CHECK payload or reply pattern that is not hex.
    case badHex(String)
    /// A url's `regex` does not compile.
    case badRegex(String)
    /// TLS could not be set up.
    case tls(String)
    case unsupported(String)

    public var description: String {
        switch self {
        case .noPort(let keyword): "\(keyword) has no port to connect to: set connect_port"
        case .linkLocalNeedsBindIf(let keyword, let address):
            "\(keyword): link local address \(address) requires a bind_if"
        case .badScript(let reason): "MISC_CHECK misc_path: \(reason)"
        case .unknownUser(let reason): "MISC_CHECK user: \(reason)"
        case .unknownTrackFile(let name): "FILE_CHECK: no track_file named \(name)"
        case .badHex(let text): "UDP_CHECK: '\(text)' is not hexadecimal"
        case .badRegex(let reason): "HTTP_GET/SSL_GET regex: \(reason)"
        case .tls(let reason): "SSL_GET: \(reason)"
        case .unsupported(let keyword): "\(keyword) is not supported by checkd"
        }
    }
}
