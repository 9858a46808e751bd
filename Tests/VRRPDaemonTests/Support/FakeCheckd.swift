import DBus

/// Stands in for checkd on a private bus (checkd is another daemon, built elsewhere): owns
/// `org.keepalive.Check1`, serves ObjectManager at its root and one Script object per name,
/// with the properties the contract gives a Script.
final class FakeCheckd: Sendable {
    static let scriptXML = """
        <node>
          <interface name="org.keepalive.Check1.Script">
            <property name="Name" type="s" access="read"/>
            <property name="Status" type="s" access="read"/>
            <property name="LastExitStatus" type="i" access="read"/>
            <property name="LastRun" type="t" access="read"/>
            <property name="Weight" type="i" access="read"/>
          </interface>
        </node>
        """
    let connection: DBusConnection
    private let scripts: [String: DBusExportedObject]

    private init(connection: DBusConnection, scripts: [String: DBusExportedObject]) {
        self.connection = connection
        self.scripts = scripts
    }

    static func start(address: String, scripts: [String: String]) async throws -> FakeCheckd {
        let connection = try await DBusConnection.connect(address: address)
        let root = try ObjectPath("/org/keepalive/Check1")
        await connection.addObjectManager(at: root)
        var exported: [String: DBusExportedObject] = [:]
        for (name, status) in scripts {
            var object = try DBusObject(
                path: try ObjectPath(root.rawValue + "/script").appending(escaping: name), introspectionXML: scriptXML)
            let interface = "org.keepalive.Check1.Script"
            try object.setProperty(interface, "Name", .string(name))
            try object.setProperty(interface, "Status", .string(status))
            try object.setProperty(interface, "LastExitStatus", .int32(0))
            try object.setProperty(interface, "LastRun", .uint64(0))
            try object.setProperty(interface, "Weight", .int32(0))
            exported[name] = try await connection.export(object)
        }
        try await connection.requestName("org.keepalive.Check1")
        return FakeCheckd(connection: connection, scripts: exported)
    }

    func set(_ name: String, status: String) throws {
        try scripts[name]?.updateProperties("org.keepalive.Check1.Script", ["Status": .string(status)])
    }

    /// checkd goes away: its name vanishes from the bus.
    func stop() {
        connection.close()
    }
}
