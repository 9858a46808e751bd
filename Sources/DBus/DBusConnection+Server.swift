import CDBus

/// Serving exported objects: routing, signature checks, the standard interfaces.
/// Everything here runs on the connection queue except the handler tasks.
extension DBusConnection {
    func handleMethodCall(_ message: Message) {
        do throws(DBusError) {
            try route(message)
        } catch {
            reply(to: message, error: error)
        }
    }

    private func route(_ message: Message) throws(DBusError) {
        let pathText = message.path ?? "/"
        let path = ObjectPath(unchecked: pathText)
        let member = message.member ?? ""
        let interface = message.interface
        let caller = DBusCaller(
            sender: message.sender ?? "", allowInteractiveAuthorization: message.allowInteractiveAuthorization)
        let state = objects[path]
        let isManager = objectManagers.contains(path)
        let children = childNodes(of: path)
        guard state != nil || isManager || !children.isEmpty else {
            throw .unknownObject("no object at \(pathText)")
        }

        switch (interface, member) {
        case (DBusConnection.introspectableInterface, "Introspect"), (nil, "Introspect"):
            try expect(message, "")
            reply(to: message, values: [.string(introspectionXML(for: state?.object, children: children))])
            return
        case (DBusConnection.objectManagerInterface, "GetManagedObjects") where isManager:
            try expect(message, "")
            reply(to: message, values: [managedObjects(under: path)])
            return
        case (DBusConnection.propertiesInterface, _):
            guard let object = state?.object else { throw .unknownInterface("\(pathText) has no properties") }
            try handleProperties(message, object: object, member: member, caller: caller)
            return
        default:
            break
        }

        guard let object = state?.object else { throw .unknownMethod("\(pathText) has no method \(member)") }
        let description: DBusInterfaceDescription
        if let interface {
            guard let found = object.introspection.interface(interface) else {
                throw .unknownInterface("\(pathText) has no interface \(interface)")
            }
            description = found
        } else {
            guard let found = object.introspection.interfaces.first(where: { $0.methods[member] != nil }) else {
                throw .unknownMethod("\(pathText) has no method \(member)")
            }
            description = found
        }
        guard let method = description.methods[member] else {
            throw .unknownMethod("\(description.name) has no method \(member)")
        }
        try expect(message, method.inSignature)
        guard let handler = object.methodHandlers[description.name]?[member] else {
            throw .init(name: DBusError.notSupported, message: "\(description.name).\(member) is not implemented")
        }
        let call = DBusMethodCall(
            path: path, interface: description.name, method: member, arguments: message.arguments(), caller: caller)
        let outTypes = method.outArguments.map(\.type)
        Task {
            do {
                let values = try await handler(call)
                guard values.count == outTypes.count, zip(values, outTypes).allSatisfy({ $0.conforms(to: $1) })
                else {
                    throw DBusError.failed(
                        "\(call.interface).\(member) answered (\(values.map(\.signature).joined())),"
                            + " not (\(outTypes.signature))")
                }
                self.queue.async { self.reply(to: message, values: values) }
            } catch {
                self.queue.async { self.reply(to: message, error: Self.replyError(error)) }
            }
        }
    }

    static func replyError(_ error: any Error) -> DBusError {
        (error as? DBusError) ?? .failed(String(describing: error))
    }

    private func expect(_ message: Message, _ signature: String) throws(DBusError) {
        let actual = message.signature
        guard actual == signature else {
            throw .invalidArgs("expected arguments (\(signature)), got (\(actual))")
        }
    }

    func reply(to message: Message, values: [DBusValue]) {
        guard !message.noReplyExpected, !isClosed, let reply = message.methodReturn() else { return }
        do {
            try reply.append(values)
        } catch {
            self.reply(to: message, error: Self.replyError(error))
            return
        }
        sendNow(reply)
    }

    func reply(to message: Message, error: DBusError) {
        guard !message.noReplyExpected, !isClosed, let reply = message.errorReply(error) else { return }
        sendNow(reply)
    }

    /// On `queue`: sends at once (we are already on the queue).
    private func sendNow(_ message: Message) {
        guard !isClosed else { return }
        dbus_connection_send(raw, message.raw, nil)
    }

    // MARK: Properties

    private func handleProperties(
        _ message: Message, object: DBusObject, member: String, caller: DBusCaller
    ) throws(DBusError) {
        let args = message.arguments()
        switch member {
        case "Get":
            try expect(message, "ss")
            let (interface, name) = (args[0].stringValue ?? "", args[1].stringValue ?? "")
            let property = try DBusObject.property(object.introspection, interface, name)
            guard property.access.isReadable else { throw .accessDenied("\(interface).\(name) is write-only") }
            let value = object.values[interface]?[name] ?? .zero(of: property.type)
            reply(to: message, values: [.variant(value)])
        case "GetAll":
            try expect(message, "s")
            let interface = args[0].stringValue ?? ""
            guard object.introspection.interface(interface) != nil else {
                throw .unknownInterface("\(object.path) has no interface \(interface)")
            }
            reply(to: message, values: [readableProperties(of: object, interface: interface)])
        case "Set":
            try expect(message, "ssv")
            let (interface, name) = (args[0].stringValue ?? "", args[1].stringValue ?? "")
            let property = try DBusObject.property(object.introspection, interface, name)
            guard property.access.isWritable, let handler = object.setHandlers[interface]?[name] else {
                throw .propertyReadOnly("\(interface).\(name) is read-only")
            }
            let value = args[2].unwrapped
            guard value.conforms(to: property.type) else {
                throw .invalidArgs("\(interface).\(name) has type \(property.type), not \(value.signature)")
            }
            let path = object.path
            Task {
                do {
                    try await handler(value, caller)
                    self.queue.async {
                        self.applyPropertyChanges(path: path, interface: interface, changes: [name: value])
                        self.reply(to: message, values: [])
                    }
                } catch {
                    self.queue.async { self.reply(to: message, error: Self.replyError(error)) }
                }
            }
        default:
            throw .unknownMethod("org.freedesktop.DBus.Properties has no method \(member)")
        }
    }

    /// `a{sv}` of the readable properties of one interface.
    func readableProperties(of object: DBusObject, interface: String) -> DBusValue {
        var map: [String: DBusValue] = [:]
        for property in object.introspection.interface(interface)?.properties.values ?? [:].values
        where property.access.isReadable {
            map[property.name] = object.values[interface]?[property.name] ?? .zero(of: property.type)
        }
        return .dictionary(map)
    }

    /// On `queue`: stores new values and emits one `PropertiesChanged` for those that changed.
    func applyPropertyChanges(path: ObjectPath, interface: String, changes: [String: DBusValue]) {
        guard var state = objects[path],
            let description = state.object.introspection.interface(interface)
        else { return }
        var changed: [String: DBusValue] = [:]
        var invalidated: [String] = []
        for (name, value) in changes.sorted(by: { $0.key < $1.key }) {
            guard let property = description.properties[name], state.object.values[interface]?[name] != value
            else { continue }
            state.object.values[interface, default: [:]][name] = value
            switch property.changeSignal {
            case .true: changed[name] = value
            case .invalidates: invalidated.append(name)
            case .const, .false: break
            }
        }
        objects[path] = state
        guard !changed.isEmpty || !invalidated.isEmpty,
            let signal = try? Message.signal(
                path: path, interface: DBusConnection.propertiesInterface, member: "PropertiesChanged"),
            (try? signal.append([.string(interface), .dictionary(changed), .array(of: invalidated)])) != nil
        else { return }
        sendNow(signal)
    }

    // MARK: Introspection and the object manager

    /// Names of the nodes directly below `path` that lead to exported objects or managers.
    func childNodes(of path: ObjectPath) -> [String] {
        let prefix = path.rawValue == "/" ? "/" : path.rawValue + "/"
        var names: Set<String> = []
        for candidate in objects.keys.map(\.rawValue) + objectManagers.map(\.rawValue)
        where candidate.hasPrefix(prefix) && candidate != path.rawValue {
            let rest = candidate.dropFirst(prefix.count)
            names.insert(String(rest.prefix { $0 != "/" }))
        }
        return names.sorted()
    }

    /// The object's XML with `<node name=.../>` added for children it does not list itself.
    func introspectionXML(for object: DBusObject?, children: [String]) -> String {
        guard let object else {
            let nodes = children.map { "  <node name=\"\($0)\"/>\n" }.joined()
            return DBusConnection.doctype + "<node>\n" + nodes + "</node>\n"
        }
        let missing = children.filter { !object.introspection.children.contains($0) }
        let xml = object.introspectionXML
        guard !missing.isEmpty, let close = xml.ranges(of: "</node>").last else { return xml }
        let nodes = missing.map { "  <node name=\"\($0)\"/>\n" }.joined()
        return String(xml[..<close.lowerBound]) + nodes + String(xml[close.lowerBound...])
    }

    static let doctype =
        "<!DOCTYPE node PUBLIC \"-//freedesktop//DTD D-BUS Object Introspection 1.0//EN\"\n"
        + " \"http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd\">\n"

    /// `a{sa{sv}}`: every interface of an object with its readable properties.
    func interfacesAndProperties(of object: DBusObject) -> DBusValue {
        var map: [DBusValue: DBusValue] = [:]
        for interface in object.introspection.interfaces {
            map[.string(interface.name)] = readableProperties(of: object, interface: interface.name)
        }
        return .dictionary(key: .string, value: .dictionary(key: .string, value: .variant), map)
    }

    func managedObjects(under root: ObjectPath) -> DBusValue {
        var map: [DBusValue: DBusValue] = [:]
        for (path, state) in objects where path != root && path.isDescendant(of: root) {
            map[.objectPath(path)] = interfacesAndProperties(of: state.object)
        }
        return .dictionary(
            key: .objectPath, value: .dictionary(key: .string, value: .dictionary(key: .string, value: .variant)), map)
    }

    private func managers(above path: ObjectPath) -> [ObjectPath] {
        objectManagers.filter { $0 != path && path.isDescendant(of: $0) }.sorted()
    }

    func announceAdded(_ object: DBusObject) {
        for manager in managers(above: object.path) {
            guard
                let signal = try? Message.signal(
                    path: manager, interface: DBusConnection.objectManagerInterface, member: "InterfacesAdded"),
                (try? signal.append([.objectPath(object.path), interfacesAndProperties(of: object)])) != nil
            else { continue }
            sendNow(signal)
        }
    }

    func removeObject(_ path: ObjectPath) {
        guard let state = objects.removeValue(forKey: path) else { return }
        let names = state.object.introspection.interfaces.map(\.name)
        for manager in managers(above: path) {
            guard
                let signal = try? Message.signal(
                    path: manager, interface: DBusConnection.objectManagerInterface, member: "InterfacesRemoved"),
                (try? signal.append([.objectPath(path), .array(of: names)])) != nil
            else { continue }
            sendNow(signal)
        }
    }
}
