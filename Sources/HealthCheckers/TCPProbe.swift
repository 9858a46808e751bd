import KeepalivedConfig
import NIOCore
import NIOPosix

/// `TCP_CHECK`: the server passes when a TCP connect completes within connect_timeout.
public struct TCPProbe: RealServerProbe {
    public let target: ProbeTarget
    let group: any EventLoopGroup

    public init(target: ProbeTarget, eventLoopGroup: any EventLoopGroup) {
        self.target = target
        self.group = eventLoopGroup
    }

    public var keyword: String { "TCP_CHECK" }

    public func attempt() async -> ProbeResult {
        do {
            var bootstrap = ClientBootstrap(group: group)
                .connectTimeout(target.timeAmount)
                .channelInitializer { channel in
                    // Close with RST: no TIME_WAIT left behind by thousands of checks a second.
                    guard let provider = channel as? any SocketOptionProvider else {
                        return channel.eventLoop.makeSucceededVoidFuture()
                    }
                    return provider.setSoLinger(linger(l_onoff: 1, l_linger: 0))
                }
            if let local = try target.localAddress() {
                bootstrap = bootstrap.channelOption(.socketOption(.so_reuseaddr), value: 1).bind(to: local)
            }
            bootstrap = try bootstrap.checkerSocketOptions(target.socketOptions)
            let channel = try await bootstrap.connect(to: target.remoteAddress()).get()
            try? await channel.close()
            return .success(weight: nil)
        } catch {
            return .failure(.from(error))
        }
    }
}
