import DBus
import VRRP

/// The values of an instance's D-Bus properties at one moment: compared with the previous
/// snapshot so that `PropertiesChanged` carries only what changed.
struct InstanceSnapshot: Sendable, Equatable {
    var state: VRRPInstanceState
    var priority: UInt8
    var effectivePriority: UInt8
    var advertInterval: VRRPDuration
    var masterAddress: String
    var lastTransition: UInt64
    var lastReason: String

    var properties: [String: DBusValue] {
        [
            "State": .string(state.rawValue),
            "Priority": .byte(priority),
            "EffectivePriority": .byte(effectivePriority),
            "AdvertInterval": .double(Double(advertInterval.centiseconds) / 100),
            "MasterAddress": .string(masterAddress),
            "LastTransition": .uint64(lastTransition),
            "LastReason": .string(lastReason),
        ]
    }

    /// The properties whose values differ from `previous` (all of them without one).
    func changes(since previous: InstanceSnapshot?) -> [String: DBusValue] {
        let now = properties
        guard let previous else { return now }
        let before = previous.properties
        return now.filter { before[$0.key] != $0.value }
    }
}
