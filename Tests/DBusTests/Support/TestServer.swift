import DBus
import KeepaliveTestSupport

/// A Swift server for the fixture interface on its own connection: owns `org.keepalive.Test1`,
/// serves an ObjectManager at the root and one item object.
struct TestServer {
    let connection: DBusConnection
    let item: DBusExportedObject

    static func start(on bus: PrivateBus) async throws -> TestServer {
        let connection = try await bus.connect()
        try await connection.requestName(Fixtures.busName)
        await connection.addObjectManager(at: Fixtures.root)
        let item = try await connection.export(makeItem(connection: connection))
        return TestServer(connection: connection, item: item)
    }

    static func makeItem(connection: DBusConnection, path: ObjectPath = Fixtures.itemPath) throws -> DBusObject {
        var object = try DBusObject(path: path, introspectionXML: Fixtures.xml)
        let i = Fixtures.interface
        try object.setProperty(i, "Name", "vi-one")
        try object.setProperty(i, "Count", .uint32(7))
        try object.setProperty(i, "Priority", .byte(100))
        try object.setProperty(i, "Tags", .array(of: ["a", "b"]))
        try object.onMethod(i, "Add") { call in
            guard let a = call.arguments[0].int32Value, let b = call.arguments[1].int32Value else {
                throw DBusError.invalidArgs("Add takes two int32")
            }
            return [.int32(a &+ b)]
        }
        try object.onMethod(i, "Greet") { call in
            [.string("hello " + (call.arguments[0].stringValue ?? ""))]
        }
        try object.onMethod(i, "Echo") { call in call.arguments }
        try object.onMethod(i, "EchoAll") { call in call.arguments }
        try object.onMethod(i, "Fail") { _ in
            throw DBusError(name: "org.keepalive.Error.Test", message: "failing on purpose")
        }
        try object.onMethod(i, "Manage") { call in
            try await PolkitAuthority(connection: connection)
                .authorize(call.caller, action: "org.keepalive.test.manage")
            return [.string(call.caller.sender)]
        }
        try object.onSet(i, "Priority") { value, _ in
            guard let priority = value.as(UInt8.self), priority >= 1, priority <= 254 else {
                throw DBusError.invalidArgs("priority must be 1-254")
            }
        }
        return object
    }

    func stop() {
        connection.close()
    }
}

/// The first element of a signal stream, or a failure if none comes within `seconds`
/// (a guard against hanging, not a speed assertion).
func firstElement<S: AsyncSequence & Sendable>(of stream: S, seconds: Double = 20) async throws -> S.Element
where S.Element: Sendable {
    try await withThrowingTaskGroup(of: S.Element?.self) { group in
        group.addTask {
            for try await element in stream { return element }
            return nil
        }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let element = first else {
            throw BusStartError(message: "no element arrived within \(seconds) s")
        }
        return element
    }
}
