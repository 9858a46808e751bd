import DBus
import DaemonKit

/// The D-Bus face of one real server:
/// `/org/keepalive/Check1/realserver/<escaped VS name>/<escaped RS name>`, interface
/// `org.keepalive.Check1.RealServer`, built from the shipped XML.
enum RealServerObject {
    static let interface = "org.keepalive.Check1.RealServer"

    static func path(root: ObjectPath, virtualServer: String, realServer: String) throws -> ObjectPath {
        try ObjectPath(root.rawValue + "/realserver").appending(escaping: virtualServer).appending(
            escaping: realServer)
    }

    /// The object with its fixed properties and the starting state; `Drain`, `Enable` and
    /// `Disable` ask polkit for `action` (uid 0 passes without asking), then change the monitor.
    static func make(
        _ spec: RealServerSpec, health: RealServerHealth, root: ObjectPath, xml: String, action: String,
        bus: BusPresence, setAdminState: @escaping @Sendable (AdminState, DBusCaller) async -> Void
    ) throws -> DBusObject {
        let path = try path(root: root, virtualServer: spec.virtualServer, realServer: spec.realServer)
        var object = try DBusObject(path: path, introspectionXML: xml)
        let values: [String: DBusValue] = [
            "VirtualServer": .string(spec.virtualServer),
            "Address": .string(spec.address.description),
            "Port": .uint16(spec.port),
            "Healthy": .boolean(health.healthy),
            "Weight": .int32(Int32(clamping: health.weight)),
            "Checkers": .array(element: .string, spec.checkers.map { .string($0.keyword) }),
            "LastError": .string(health.lastError),
            "AdminState": .string(AdminState.enabled.rawValue),
        ]
        for (name, value) in values { try object.setProperty(interface, name, value) }

        let methods: [(String, AdminState)] = [("Drain", .drained), ("Enable", .enabled), ("Disable", .disabled)]
        for (method, state) in methods {
            try object.onMethod(interface, method) { call in
                guard let connection = await bus.currentConnection else { throw DBusError.failed("not connected") }
                try await PolkitAuthority(connection: connection).authorize(call.caller, action: action)
                await setAdminState(state, call.caller)
                return []
            }
        }
        return object
    }
}
