import DBus
import DaemonKit
import VRRP

/// The D-Bus face of one instance: `/org/keepalive/Vrrp1/instance/<escaped name>`, interface
/// `org.keepalive.Vrrp1.Instance`, read from the shipped XML so `Introspect` serves that file.
enum InstanceObject {
    static let interface = "org.keepalive.Vrrp1.Instance"

    static func path(root: ObjectPath, name: String) throws -> ObjectPath {
        try ObjectPath(root.rawValue + "/instance").appending(escaping: name)
    }

    /// Builds the object with its fixed properties; the runner fills in the changing ones.
    /// Methods ask polkit for `action` (uid 0 passes without asking), then the runner.
    static func make(
        runner: InstanceRunner, settings: InstanceSettings, root: ObjectPath, xml: String, action: String,
        bus: BusPresence
    ) throws -> DBusObject {
        var object = try DBusObject(path: try path(root: root, name: settings.name), introspectionXML: xml)
        let fixed: [String: DBusValue] = [
            "Name": .string(settings.name),
            "Interface": .string(settings.interface),
            "VirtualRouterId": .byte(settings.virtualRouterID),
            "Version": .byte(settings.version.rawValue),
            "VirtualAddresses": addressList(settings),
        ]
        for (name, value) in fixed { try object.setProperty(interface, name, value) }

        @Sendable func authorized(_ call: DBusMethodCall, _ event: VRRPEvent) async throws -> [DBusValue] {
            guard let connection = await bus.currentConnection else { throw DBusError.failed("not connected") }
            try await PolkitAuthority(connection: connection).authorize(call.caller, action: action)
            do {
                try await runner.control(event)
            } catch {
                throw DBusError(name: "org.keepalive.Error.Refused", message: error.explanation)
            }
            return []
        }
        try object.onMethod(interface, "SetPriority") { call in
            guard call.arguments.count == 1, case .byte(let priority) = call.arguments[0].unwrapped else {
                throw DBusError.invalidArgs("SetPriority takes one byte (y)")
            }
            return try await authorized(call, .setPriority(priority))
        }
        try object.onMethod(interface, "ResetPriority") { call in try await authorized(call, .resetPriority) }
        try object.onMethod(interface, "Switchover") { call in try await authorized(call, .switchover) }
        return object
    }

    /// `VirtualAddresses`: every address the instance adds, advertised or excluded, with prefix.
    static func addressList(_ settings: InstanceSettings) -> DBusValue {
        .array(
            element: .string,
            (settings.virtualAddresses + settings.excludedAddresses).map {
                .string("\($0.address)/\($0.prefixLength)")
            })
    }
}

extension VRRPStateMachineError {
    /// The refusal in words for a D-Bus error reply.
    var explanation: String {
        switch self {
        case .priorityOutOfRange(let priority): "priority \(priority) is out of range 1...254"
        case .switchoverRequiresMaster(let current): "only a MASTER can switch over; this instance is \(current)"
        case .unknownTrackedObject(let id): "unknown tracked object \(id)"
        case .unknownMember(let name): "unknown sync group member \(name)"
        case .emptySyncGroup(let name): "sync group \(name) is empty"
        case .duplicateMember(let name): "\(name) is in the sync group twice"
        }
    }
}
