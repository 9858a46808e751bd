import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// keepalived's per-socket checker options, `fwmark` (SO_MARK) and `bind_if` (the interface the
/// socket is bound to), set before the socket binds or connects, as keepalived's
/// `socket_bind_connect` sets them.
struct CheckerSocketOptions: Sendable, Hashable {
    var fwmark: UInt32?
    var bindInterface: String?

    var isEmpty: Bool { fwmark == nil && bindInterface == nil }

    /// The options as (level, name, value) for setsockopt(2). bind_if's index is looked up on every
    /// call, so a re-created interface is found again; a missing one fails the attempt like
    /// keepalived's "Checker can't bind to device".
    func socketLevelOptions() throws(ProbeFailure) -> [(name: Int32, value: Int32)] {
        var options: [(name: Int32, value: Int32)] = []
        // SO_MARK takes the mark's 32 bits whatever their sign.
        if let fwmark { options.append((SO_MARK, Int32(bitPattern: fwmark))) }
        if let bindInterface {
            // SO_BINDTOIFINDEX is SO_BINDTODEVICE by index: NIO's option values are integers.
            let index = if_nametoindex(bindInterface)
            guard index != 0 else {
                throw .connectionFailed("can't bind to device \(bindInterface): \(String(cString: strerror(errno)))")
            }
            options.append((Self.bindToIndex, Int32(bitPattern: index)))
        }
        return options
    }

    /// The options as NIO channel options.
    func channelOptions() throws(ProbeFailure) -> [(ChannelOptions.Types.SocketOption, SocketOptionValue)] {
        try socketLevelOptions().map { (Self.option($0.name), SocketOptionValue($0.value)) }
    }

    /// Linux's SO_BINDTOIFINDEX (5.7+), absent from older C headers.
    private static let bindToIndex: Int32 = 62

    private static func option(_ name: Int32) -> ChannelOptions.Types.SocketOption {
        ChannelOptions.Types.SocketOption(level: .socket, name: NIOBSDSocket.Option(rawValue: name))
    }
}

extension ClientBootstrap {
    /// This bootstrap with the target's fwmark and bind_if applied.
    func checkerSocketOptions(_ options: CheckerSocketOptions) throws(ProbeFailure) -> ClientBootstrap {
        var bootstrap = self
        for (option, value) in try options.channelOptions() {
            bootstrap = bootstrap.channelOption(option, value: value)
        }
        return bootstrap
    }
}

extension DatagramBootstrap {
    /// This bootstrap with the target's fwmark and bind_if applied.
    func checkerSocketOptions(_ options: CheckerSocketOptions) throws(ProbeFailure) -> DatagramBootstrap {
        var bootstrap = self
        for (option, value) in try options.channelOptions() {
            bootstrap = bootstrap.channelOption(option, value: value)
        }
        return bootstrap
    }
}
