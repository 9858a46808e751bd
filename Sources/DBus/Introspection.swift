import CDBus

/// One argument of a method or signal as the introspection XML declares it.
public struct DBusArgument: Hashable, Sendable {
    public var name: String?
    public var type: DBusType
}

/// A method: what it takes and what it returns.
public struct DBusMethodDescription: Hashable, Sendable {
    public var name: String
    public var inArguments: [DBusArgument]
    public var outArguments: [DBusArgument]
    /// The body signature an incoming call must have.
    public var inSignature: String { inArguments.map(\.type).signature }
    /// The body signature a reply must have.
    public var outSignature: String { outArguments.map(\.type).signature }
}

/// A signal and its arguments.
public struct DBusSignalDescription: Hashable, Sendable {
    public var name: String
    public var arguments: [DBusArgument]
    public var signature: String { arguments.map(\.type).signature }
}

/// A property: its type, who may read and write it, and how changes are announced.
public struct DBusPropertyDescription: Hashable, Sendable {
    public enum Access: String, Hashable, Sendable {
        case read, write, readwrite
        public var isReadable: Bool { self != .write }
        public var isWritable: Bool { self != .read }
    }

    /// The `org.freedesktop.DBus.Property.EmitsChangedSignal` annotation.
    public enum ChangeSignal: String, Hashable, Sendable {
        /// `PropertiesChanged` carries the new value (the default).
        case `true`
        /// `PropertiesChanged` lists the name as invalidated, without the value.
        case invalidates
        /// The value never changes; no signal.
        case const
        /// Changes are not announced.
        case `false`
    }

    public var name: String
    public var type: DBusType
    public var access: Access
    public var changeSignal: ChangeSignal
}

/// One interface parsed from introspection XML.
public struct DBusInterfaceDescription: Hashable, Sendable {
    public var name: String
    public var methods: [String: DBusMethodDescription]
    public var properties: [String: DBusPropertyDescription]
    public var signals: [String: DBusSignalDescription]
}

/// A parsed introspection document: the interfaces and child node names of one `<node>`.
public struct DBusIntrospection: Hashable, Sendable {
    /// The interfaces in document order.
    public var interfaces: [DBusInterfaceDescription]
    /// Names of `<node>` children.
    public var children: [String]

    /// The interface with this name.
    public func interface(_ name: String) -> DBusInterfaceDescription? {
        interfaces.first { $0.name == name }
    }

    /// Parses introspection XML (the D-Bus introspection format: `node`, `interface`,
    /// `method`, `signal`, `property`, `arg`, `annotation`).
    ///
    /// - Throws: `DBusError.invalidArgs` naming the line for bad XML, unknown or missing
    ///   attributes, invalid member names or signatures.
    public static func parse(_ xml: String) throws(DBusError) -> DBusIntrospection {
        let root: XMLElement
        do {
            root = try XMLReader.parse(xml)
        } catch {
            throw .invalidArgs("introspection XML, \(error)")
        }
        guard root.name == "node" else { throw .invalidArgs("introspection XML: the root element must be <node>") }
        var interfaces: [DBusInterfaceDescription] = []
        var children: [String] = []
        for element in root.children {
            switch element.name {
            case "interface":
                let parsed = try parseInterface(element)
                guard !interfaces.contains(where: { $0.name == parsed.name }) else {
                    throw invalid(element, "interface \(parsed.name) is declared twice")
                }
                interfaces.append(parsed)
            case "node":
                guard let name = element.attributes["name"] else { throw invalid(element, "<node> without name") }
                children.append(name)
            default:
                continue
            }
        }
        return DBusIntrospection(interfaces: interfaces, children: children)
    }

    private static func parseInterface(_ element: XMLElement) throws(DBusError) -> DBusInterfaceDescription {
        guard let name = element.attributes["name"], Names.isInterface(name) else {
            throw invalid(element, "<interface> needs a valid name")
        }
        var interface = DBusInterfaceDescription(name: name, methods: [:], properties: [:], signals: [:])
        for child in element.children {
            let memberName = child.attributes["name"] ?? ""
            guard child.name == "annotation" || Names.isMember(memberName) else {
                throw invalid(child, "<\(child.name)> needs a valid name")
            }
            switch child.name {
            case "method":
                var method = DBusMethodDescription(name: memberName, inArguments: [], outArguments: [])
                for arg in child.children where arg.name == "arg" {
                    let argument = try parseArgument(arg)
                    switch arg.attributes["direction"] ?? "in" {
                    case "in": method.inArguments.append(argument)
                    case "out": method.outArguments.append(argument)
                    default: throw invalid(arg, "direction must be in or out")
                    }
                }
                interface.methods[memberName] = method
            case "signal":
                var signal = DBusSignalDescription(name: memberName, arguments: [])
                for arg in child.children where arg.name == "arg" {
                    guard (arg.attributes["direction"] ?? "out") == "out" else {
                        throw invalid(arg, "signal arguments have no direction in")
                    }
                    signal.arguments.append(try parseArgument(arg))
                }
                interface.signals[memberName] = signal
            case "property":
                guard let typeText = child.attributes["type"], let type = try? DBusType.parse(typeText) else {
                    throw invalid(child, "property \(memberName) needs one complete type")
                }
                guard let access = child.attributes["access"].flatMap(DBusPropertyDescription.Access.init) else {
                    throw invalid(child, "property \(memberName) needs access read, write or readwrite")
                }
                let annotation = annotationValue(child) ?? annotationValue(element) ?? "true"
                guard let changeSignal = DBusPropertyDescription.ChangeSignal(rawValue: annotation) else {
                    throw invalid(child, "EmitsChangedSignal must be true, invalidates, const or false")
                }
                interface.properties[memberName] = DBusPropertyDescription(
                    name: memberName, type: type, access: access, changeSignal: changeSignal)
            default:
                continue
            }
        }
        return interface
    }

    private static func annotationValue(_ element: XMLElement) -> String? {
        element.children.first {
            $0.name == "annotation" && $0.attributes["name"] == "org.freedesktop.DBus.Property.EmitsChangedSignal"
        }?.attributes["value"]
    }

    private static func parseArgument(_ element: XMLElement) throws(DBusError) -> DBusArgument {
        guard let typeText = element.attributes["type"], let type = try? DBusType.parse(typeText) else {
            throw invalid(element, "<arg> needs one complete type")
        }
        return DBusArgument(name: element.attributes["name"], type: type)
    }

    private static func invalid(_ element: XMLElement, _ message: String) -> DBusError {
        .invalidArgs("introspection XML, line \(element.line): \(message)")
    }
}

/// D-Bus name rules, delegated to libdbus's validators.
enum Names {
    static func isInterface(_ name: String) -> Bool { dbus_validate_interface(name, nil) != 0 }
    static func isMember(_ name: String) -> Bool { dbus_validate_member(name, nil) != 0 }
    static func isBusName(_ name: String) -> Bool { dbus_validate_bus_name(name, nil) != 0 }
}
