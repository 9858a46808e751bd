import DBus
import KeepalivedConfig

/// The D-Bus face of one vrrp_script: `/org/keepalive/Check1/script/<escaped name>`, interface
/// `org.keepalive.Check1.Script`, built from the shipped XML so `Introspect` serves that file.
enum ScriptObject {
    static let interface = "org.keepalive.Check1.Script"

    static func path(root: ObjectPath, name: String) throws -> ObjectPath {
        try ObjectPath(root.rawValue + "/script").appending(escaping: name)
    }

    /// The object with its configured properties and the state the monitor starts from.
    static func make(_ script: VRRPScript, status: ScriptStatus, root: ObjectPath, xml: String) throws -> DBusObject {
        var object = try DBusObject(path: try path(root: root, name: script.name), introspectionXML: xml)
        let values: [String: DBusValue] = [
            "Name": .string(script.name),
            "Status": .string(status.rawValue),
            "LastExitStatus": .int32(-1),
            "LastRun": .uint64(0),
            "Weight": .int32(Int32(effectiveWeight(script))),
            "Interval": .double(Double(script.interval)),
        ]
        for (name, value) in values { try object.setProperty(interface, name, value) }
        return object
    }

    /// The weight as keepalived applies it: `weight N reverse` moves the priority the other way.
    static func effectiveWeight(_ script: VRRPScript) -> Int {
        script.reverse ? -script.weight : script.weight
    }
}
