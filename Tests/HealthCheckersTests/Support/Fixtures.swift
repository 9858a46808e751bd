import HealthCheckers
import KeepalivedConfig
import NIOPosix

/// Builds the config model the way a parsed keepalived.conf would hold it.
enum Fixture {
    static let group = MultiThreadedEventLoopGroup.singleton

    static func servers(
        _ address: String = "127.0.0.1", port: Int?, weight: Int = 1
    ) -> (VirtualServer, RealServer) {
        var real = RealServer(address: IPAddress(address)!, port: port)
        real.weight = weight
        let virtual = VirtualServer(service: .address(address: IPAddress("10.0.0.1")!, port: 80))
        return (virtual, real)
    }

    static func probe(
        _ checker: HealthChecker, address: String = "127.0.0.1", port: Int?, weight: Int = 1,
        trackFiles: [TrackFile] = []
    ) throws -> any RealServerProbe {
        let (virtual, real) = servers(address, port: port, weight: weight)
        return try ProbeFactory.make(
            checker, realServer: real, virtualServer: virtual, trackFiles: trackFiles, eventLoopGroup: group)
    }

    static func options(connectTimeout: Double? = nil, bindTo: String? = nil, bindPort: Int? = nil) -> CheckerOptions {
        var options = CheckerOptions()
        options.connectTimeout = connectTimeout
        options.bindTo = bindTo.flatMap { IPAddress($0) }
        options.bindPort = bindPort
        return options
    }
}
