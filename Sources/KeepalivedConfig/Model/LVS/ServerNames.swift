/// The names people know virtual and real servers by: keepalived's log format, also used as the
/// `VirtualServer` property and (escaped) as object path labels, so checkd, ipvsd and kactl agree.
extension VirtualServer {
    /// `[10.0.0.1]:80`, `[10.0.0.1]:53/udp`, `FWM 1` or `group NAME`; TCP is left implicit as
    /// keepalived's log lines leave it.
    public var displayName: String {
        let suffix = effectiveProtocol.map { $0 == .tcp ? "" : "/" + $0.rawValue.lowercased() } ?? ""
        switch service {
        case .address(let address, let port):
            return ServerName.endpoint(address, port) + suffix
        case .fwmark(let mark):
            return "FWM \(mark)"
        case .group(let name):
            return "group \(name)" + suffix
        }
    }
}

extension RealServer {
    /// `[10.0.0.2]:80`, or `[10.0.0.2]` for a real server without a port.
    public var displayName: String { ServerName.endpoint(address, port) }
}

/// keepalived's `[address]:port` form, which keeps IPv6 colons readable.
public enum ServerName {
    public static func endpoint(_ address: IPAddress, _ port: Int?) -> String {
        "[\(address)]" + (port.map { ":\($0)" } ?? "")
    }
}
