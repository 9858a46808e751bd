import DBus
import KeepalivedConfig

#if canImport(Glibc)
    import Glibc
#endif

/// The daemon's root object (`/org/keepalive/Vrrp1` for vrrpd): `Reload()`, `Version`,
/// `ConfigFile`, `ConfigLoadedAt`, and the ObjectManager for every object below it. Its interface
/// XML is read from the interfaces directory, so what `Introspect` serves is the shipped file.
enum RootObject {
    static func make(
        busName: String, path: ObjectPath, interfacesDirectory: String, configFile: String, loadedAt: UInt64,
        reload: @escaping DBusMethodHandler, methods: [String: DBusMethodHandler] = [:]
    ) throws -> DBusObject {
        let xml = try readInterfaceXML(named: busName, in: interfacesDirectory)
        var object = try DBusObject(path: path, introspectionXML: xml)
        try object.setProperty(busName, "Version", .string(KeepaliveVersion.current))
        try object.setProperty(busName, "ConfigFile", .string(configFile))
        try object.setProperty(busName, "ConfigLoadedAt", .uint64(loadedAt))
        try object.onMethod(busName, "Reload", reload)
        for (name, handler) in methods { try object.onMethod(busName, name, handler) }
        return object
    }

    /// Reads `<directory>/<interface>.xml`, failing with a message that names the file.
    static func readInterfaceXML(named interface: String, in directory: String) throws -> String {
        let path = "\(directory)/\(interface).xml"
        guard let file = fopen(path, "r") else {
            throw DaemonError.missingInterfaceFile(path: path, reason: String(cString: strerror(errno)))
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count == 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Why a daemon could not start or do what it was asked.
public enum DaemonError: Error, CustomStringConvertible {
    case missingInterfaceFile(path: String, reason: String)
    case configuration(ConfigError)
    case busUnavailable(String)

    public var description: String {
        switch self {
        case .missingInterfaceFile(let path, let reason):
            "cannot read the D-Bus interface file \(path): \(reason) (see --interfaces-directory)"
        case .configuration(let error): error.description
        case .busUnavailable(let reason): "cannot join the D-Bus system bus: \(reason)"
        }
    }
}

extension DBusError {
    /// A reload refused because the file has errors; the message lists them like a compiler.
    static func configurationRefused(_ error: ConfigError) -> DBusError {
        DBusError(
            name: "org.keepalive.Error.ConfigurationRefused",
            message: "configuration refused, the running one is kept:\n" + error.description)
    }
}
