/// One alert mail: keepalived's subject (router id first) and one-line body, as its users'
/// mail filters expect them.
public struct AlertMessage: Sendable, Hashable {
    public var subject: String
    public var body: String

    public init(subject: String, body: String) {
        self.subject = subject
        self.body = body
    }

    /// A VRRP state keepalived mails about.
    public enum VRRPState: String, Sendable, Hashable {
        case master = "MASTER"
        case backup = "BACKUP"
        case fault = "FAULT"
        case stop = "STOP"
    }

    /// `[router] VRRP Instance VI_1 - Entering MASTER state`.
    public static func vrrpInstance(_ name: String, entering state: VRRPState, routerID: String) -> AlertMessage {
        let body =
            switch state {
            case .master: "=> VRRP Instance is now owning VRRP VIPs <="
            case .backup, .fault: "=> VRRP Instance is no longer owning VRRP VIPs <="
            case .stop: "=> VRRP Instance stopping <="
            }
        return AlertMessage(subject: "[\(routerID)] VRRP Instance \(name) - \(headline(state))", body: body)
    }

    /// `[router] VRRP Group G1 - Entering MASTER state`.
    public static func vrrpGroup(_ name: String, entering state: VRRPState, routerID: String) -> AlertMessage {
        let body =
            switch state {
            case .stop: "=> All VRRP group instances are now stopping <="
            default: "=> All VRRP group instances are now in \(state.rawValue) state <="
            }
        return AlertMessage(subject: "[\(routerID)] VRRP Group \(name) - \(headline(state))", body: body)
    }

    /// `[router] Realserver [10.0.0.2]:80 of virtual server [10.0.0.1]:80 - DOWN`; the body says
    /// why (e.g. `=> CHECK failed on service : connection error <=`).
    public static func realServer(
        _ realServer: String, of virtualServer: String, isUp: Bool, body: String, routerID: String
    ) -> AlertMessage {
        AlertMessage(
            subject: "[\(routerID)] Realserver \(realServer) of virtual server \(virtualServer) - \(isUp ? "UP" : "DOWN")",
            body: body)
    }

    /// `[router] Virtualserver [10.0.0.1]:80 - DOWN` (quorum lost or gained).
    public static func virtualServer(_ virtualServer: String, event: String, body: String, routerID: String)
        -> AlertMessage
    {
        AlertMessage(subject: "[\(routerID)] Virtualserver \(virtualServer) - \(event)", body: body)
    }

    private static func headline(_ state: VRRPState) -> String {
        state == .stop ? "Stopping" : "Entering \(state.rawValue) state"
    }
}
