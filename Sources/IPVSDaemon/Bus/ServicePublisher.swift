import DBus
import DaemonKit

/// Keeps one `org.keepalive.Ipvs1.Service` object per virtual server in step with the engine,
/// announces changes with `PropertiesChanged`, and sends `TableChanged` on the root object when
/// the kernel table was changed.
actor ServicePublisher {
    static let rootInterface = "org.keepalive.Ipvs1"

    private let bus: BusPresence
    private let root: ObjectPath
    private let xml: String
    private var objects: [String: (object: PublishedObject, properties: [String: DBusValue])] = [:]
    /// The views last published, by name: an unchanged one (most of them, on most passes)
    /// is skipped without building its properties again.
    private var published: [String: VirtualServerView] = [:]

    init(bus: BusPresence, root: ObjectPath, xml: String) {
        self.bus = bus
        self.root = root
        self.xml = xml
    }

    func publish(_ outcome: SyncOutcome) async throws {
        var seen: Set<String> = []
        for view in outcome.views {
            seen.insert(view.name)
            if published[view.name] == view, objects[view.name] != nil { continue }
            let properties = ServiceProperties.of(view)
            if let existing = objects[view.name] {
                let changed = properties.filter { existing.properties[$0.key] != $0.value }
                if !changed.isEmpty { try existing.object.update(ServiceProperties.interface, changed) }
                objects[view.name] = (existing.object, properties)
            } else {
                var object = try DBusObject(
                    path: try ServiceProperties.path(root: root, virtualServer: view.name), introspectionXML: xml)
                for (name, value) in properties { try object.setProperty(ServiceProperties.interface, name, value) }
                objects[view.name] = (try await bus.publish(object), properties)
            }
            published[view.name] = view
        }
        for (name, entry) in objects where !seen.contains(name) {
            await bus.withdraw(entry.object)
            objects[name] = nil
            published[name] = nil
        }
        let rootObject = await bus.published(at: root)
        try rootObject?.update(Self.rootInterface, ["LastSync": .uint64(WallClock.microsecondsSinceEpoch())])
        if !outcome.applied.isEmpty {
            try rootObject?.emit(
                Self.rootInterface, "TableChanged",
                [.uint32(UInt32(outcome.applied.count)), .array(element: .string, outcome.applied.map { .string($0) })])
        }
    }

    /// A root property (`SyncDaemon`, `CheckdPresent`).
    func setRoot(_ name: String, _ value: DBusValue) async throws {
        try await bus.published(at: root)?.update(Self.rootInterface, [name: value])
    }
}
