import KeepalivedConfig
import NIOCore

/// Where a connecting probe goes and from where, resolved once when the probe is made.
public struct ProbeTarget: Sendable, Hashable {
    /// `connect_ip`, else the real server's address.
    public var address: IPAddress
    /// `connect_port`, else the real server's port, else the virtual server's.
    public var port: Int
    /// `bindto`: the source address.
    public var bindTo: IPAddress?
    /// `bind_port`: the source port.
    public var bindPort: Int?
    /// `connect_timeout`: bounds the connect, and separately the exchange that follows it.
    public var connectTimeout: Duration
    /// `fwmark`: the mark (SO_MARK) on every packet of the check, for policy routing or nftables.
    public var fwmark: UInt32?
    /// `bind_if`: the interface the check's sockets are bound to; a link-local address needs it.
    public var bindInterface: String?

    public init(
        address: IPAddress, port: Int, bindTo: IPAddress? = nil, bindPort: Int? = nil,
        connectTimeout: Duration = .seconds(5), fwmark: UInt32? = nil, bindInterface: String? = nil
    ) {
        self.address = address
        self.port = port
        self.bindTo = bindTo
        self.bindPort = bindPort
        self.connectTimeout = connectTimeout
        self.fwmark = fwmark
        self.bindInterface = bindInterface
    }

    /// The target of a checker (`keyword`) with keepalived's inherited `settings` and its own
    /// connection `options` (fwmark, bind_if, bindto, bind_port).
    init(
        _ keyword: String, settings: CheckerSettings, options: CheckerOptions
    ) throws(ProbeConfigurationError) {
        guard let port = settings.port else { throw .noPort(keyword) }
        // keepalived's check_conn_opts: a link-local peer is only reachable through an interface.
        if options.bindInterface == nil, settings.address.isIPv6LinkLocal {
            throw .linkLocalNeedsBindIf(keyword, settings.address)
        }
        self.init(
            address: settings.address, port: port, bindTo: options.bindTo, bindPort: options.bindPort,
            connectTimeout: .keepalivedSeconds(settings.connectTimeout),
            fwmark: options.fwmark.map { UInt32(truncatingIfNeeded: $0) }, bindInterface: options.bindInterface)
    }

    /// keepalived's `[10.0.0.2]:80`.
    public var displayName: String { ServerName.endpoint(address, port) }

    /// The remote address as NIO wants it.
    func remoteAddress() throws -> SocketAddress {
        try SocketAddress(ipAddress: address.description, port: port)
    }

    /// The local address to bind to, when `bindto` or `bind_port` is set; the wildcard of the
    /// remote's family when only the port is.
    func localAddress() throws -> SocketAddress? {
        guard bindTo != nil || bindPort != nil else { return nil }
        let wildcard = address.family == .inet ? "0.0.0.0" : "::"
        return try SocketAddress(ipAddress: bindTo?.description ?? wildcard, port: bindPort ?? 0)
    }

    /// The socket options `fwmark` and `bind_if` ask for.
    var socketOptions: CheckerSocketOptions { CheckerSocketOptions(fwmark: fwmark, bindInterface: bindInterface) }

    /// The timeout as NIO's `TimeAmount`.
    var timeAmount: TimeAmount { .nanoseconds(connectTimeout.nanoseconds) }
}

extension Duration {
    /// Whole nanoseconds, saturating; enough for any timeout in a config.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue + attoseconds / 1_000_000_000
    }

    /// A duration from keepalived's seconds (fractions allowed).
    static func keepalivedSeconds(_ seconds: Double) -> Duration {
        .nanoseconds(Int64((max(0, seconds) * 1e9).rounded()))
    }
}

extension IPAddress {
    /// fe80::/10, reachable only through a named interface.
    var isIPv6LinkLocal: Bool {
        let bytes = self.bytes
        return family == .inet6 && bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80
    }
}
