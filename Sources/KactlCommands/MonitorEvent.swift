import DBus

/// One thing `kactl monitor` reports: a daemon coming or going, or a signal one of them sent.
struct MonitorEvent: Sendable {
    enum Kind: Sendable {
        case daemonUp(owner: String)
        case daemonDown(previousOwner: String?)
        case propertiesChanged(interface: String, changed: [String: DBusValue], invalidated: [String])
        case stateChanged(old: String, new: String, reason: String)
        case objectAdded(interfaces: [String: [String: DBusValue]])
        case objectRemoved(interfaces: [String])
        /// vrrpd's `Diagnostic(kind, sender, message)`: another router needs an admin's eye.
        case diagnostic(kind: String, sender: String, message: String)
        case signal(interface: String, member: String, arguments: [DBusValue])
    }

    /// Microseconds since the epoch, when kactl received it.
    let time: UInt64
    let daemon: KeepaliveDaemon
    /// The object the event is about; the root for a daemon going up or down.
    let path: ObjectPath
    let kind: Kind

    init(time: UInt64 = ValueFormatting.now(), daemon: KeepaliveDaemon, path: ObjectPath, kind: Kind) {
        self.time = time
        self.daemon = daemon
        self.path = path
        self.kind = kind
    }

    /// A daemon's bus name changing hands.
    init(_ change: DBusNameOwnerChange, daemon: KeepaliveDaemon) {
        let kind: Kind = change.newOwner.map { .daemonUp(owner: $0) } ?? .daemonDown(previousOwner: change.oldOwner)
        self.init(daemon: daemon, path: daemon.rootPath, kind: kind)
    }

    /// Any signal a daemon sent, decoded when it is one kactl knows.
    init(_ signal: DBusSignal, daemon: KeepaliveDaemon) {
        let args = signal.arguments
        var kind = Kind.signal(interface: signal.interface, member: signal.member, arguments: args)
        var path = signal.path
        switch (signal.interface, signal.member) {
        case ("org.freedesktop.DBus.Properties", "PropertiesChanged"):
            if args.count == 3, let interface = args[0].stringValue, let changed = args[1].stringDictionaryValue {
                kind = .propertiesChanged(
                    interface: interface, changed: changed, invalidated: args[2].as([String].self) ?? [])
            }
        case (_, "StateChanged"):
            let texts = args.compactMap(\.stringValue)
            if texts.count == 3 { kind = .stateChanged(old: texts[0], new: texts[1], reason: texts[2]) }
        case (_, "Diagnostic"):
            let texts = args.compactMap(\.stringValue)
            if texts.count == 3 { kind = .diagnostic(kind: texts[0], sender: texts[1], message: texts[2]) }
        case ("org.freedesktop.DBus.ObjectManager", "InterfacesAdded"):
            if args.count == 2, let object = args[0].objectPathValue, case .dictionary(_, _, let map) = args[1] {
                var interfaces: [String: [String: DBusValue]] = [:]
                for (name, properties) in map {
                    if let name = name.stringValue { interfaces[name] = properties.stringDictionaryValue ?? [:] }
                }
                path = object
                kind = .objectAdded(interfaces: interfaces)
            }
        case ("org.freedesktop.DBus.ObjectManager", "InterfacesRemoved"):
            if args.count == 2, let object = args[0].objectPathValue, let names = args[1].as([String].self) {
                path = object
                kind = .objectRemoved(interfaces: names)
            }
        default:
            break
        }
        self.init(daemon: daemon, path: path, kind: kind)
    }

    /// Properties that change with every advert, script run or sync pass: monitor hides them by
    /// default, or a quiet system would print a line a second.
    static let counterProperties: Set<String> = ["Stats", "LastRun", "LastSync"]

    /// The event without counter changes; nil when nothing else changed.
    func withoutCounters() -> MonitorEvent? {
        guard case .propertiesChanged(let interface, var changed, var invalidated) = kind else { return self }
        changed = changed.filter { !Self.counterProperties.contains($0.key) }
        invalidated = invalidated.filter { !Self.counterProperties.contains($0) }
        if changed.isEmpty && invalidated.isEmpty { return nil }
        return MonitorEvent(
            time: time, daemon: daemon, path: path,
            kind: .propertiesChanged(interface: interface, changed: changed, invalidated: invalidated))
    }

    /// The object's name (`VI_1`), or its path for a root object.
    var subject: String {
        if path == daemon.rootPath { return path.rawValue }
        var properties: [String: DBusValue] = [:]
        if case .objectAdded(let interfaces) = kind {
            properties = interfaces.values.first { $0["Name"] != nil } ?? [:]
        }
        return BusItem(daemon: daemon, path: path, interface: "", properties: properties).name
    }

    /// `2026-11-22T21:10:00.123 vrrpd VI_1 BACKUP -> MASTER (reason)`.
    var text: String {
        let prefix = "\(ValueFormatting.localTime(microseconds: time, iso: true)) \(daemon.rawValue)"
        switch kind {
        case .daemonUp(let owner):
            return "\(prefix) up (\(daemon.busName) owned by \(owner))"
        case .daemonDown(let previous):
            return "\(prefix) down (\(daemon.busName) released\(previous.map { " by \($0)" } ?? ""))"
        case .propertiesChanged(_, let changed, let invalidated):
            let values = changed.keys.sorted().map { "\($0)=\(ValueFormatting.text(changed[$0], property: $0))" }
            return "\(prefix) \(subject) " + (values + invalidated.sorted().map { "\($0)=?" }).joined(separator: " ")
        case .stateChanged(let old, let new, let reason):
            return "\(prefix) \(subject) \(old) -> \(new)" + (reason.isEmpty ? "" : " (\(reason))")
        case .objectAdded(let interfaces):
            return "\(prefix) \(subject) added (\(interfaces.keys.sorted().joined(separator: ", ")))"
        case .objectRemoved(let interfaces):
            return "\(prefix) \(subject) removed (\(interfaces.sorted().joined(separator: ", ")))"
        case .diagnostic(let kind, let sender, let message):
            return "\(prefix) \(subject) \(kind) from \(sender): \(message)"
        case .signal(let interface, let member, let arguments):
            let shown = arguments.map { ValueFormatting.text($0) }.joined(separator: ", ")
            return "\(prefix) \(subject) \(interface).\(member)(\(shown))"
        }
    }

    /// One JSON object: `time`, `daemon`, `path`, `object`, `event`, and the event's own fields.
    var json: JSONValue {
        var object: [String: JSONValue] = [
            "time": .string(ValueFormatting.localTime(microseconds: time, iso: true)),
            "timeMicroseconds": .uint(time), "daemon": .string(daemon.rawValue),
            "path": .string(path.rawValue), "object": .string(subject),
        ]
        switch kind {
        case .daemonUp(let owner):
            object["event"] = .string("DaemonUp")
            object["owner"] = .string(owner)
        case .daemonDown(let previous):
            object["event"] = .string("DaemonDown")
            object["previousOwner"] = previous.map(JSONValue.string) ?? .null
        case .propertiesChanged(let interface, let changed, let invalidated):
            object["event"] = .string("PropertiesChanged")
            object["interface"] = .string(interface)
            object["changed"] = JSONValue(properties: changed)
            object["invalidated"] = .array(invalidated.map(JSONValue.string))
        case .stateChanged(let old, let new, let reason):
            object["event"] = .string("StateChanged")
            object["old"] = .string(old)
            object["new"] = .string(new)
            object["reason"] = .string(reason)
        case .objectAdded(let interfaces):
            object["event"] = .string("ObjectAdded")
            object["interfaces"] = .object(interfaces.mapValues { JSONValue(properties: $0) })
        case .objectRemoved(let interfaces):
            object["event"] = .string("ObjectRemoved")
            object["interfaces"] = .array(interfaces.map(JSONValue.string))
        case .diagnostic(let kind, let sender, let message):
            object["event"] = .string("Diagnostic")
            object["kind"] = .string(kind)
            object["sender"] = .string(sender)
            object["message"] = .string(message)
        case .signal(let interface, let member, let arguments):
            object["event"] = .string(member)
            object["interface"] = .string(interface)
            object["arguments"] = .array(arguments.map(JSONValue.init))
        }
        return .object(object)
    }
}
