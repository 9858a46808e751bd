import DBus
import Foundation
import KeepaliveTestSupport
import Testing

extension BusTests {
    /// A Swift client calling a Swift server over a real bus.
    @Suite struct SwiftToSwift {
        @Test func wrongSignatureIsInvalidArgsAndTheServerKeepsServing() async throws {
            try await withPrivateBus { bus in
                let server = try await TestServer.start(on: bus)
                defer { server.stop() }
                let client = try await bus.connect()
                defer { client.close() }
                let error = await #expect(throws: DBusError.self) {
                    _ = try await client.call(
                        destination: Fixtures.busName, path: Fixtures.itemPath, interface: Fixtures.interface,
                        method: "Add", arguments: ["two", "three"])
                }
                #expect(error?.name == DBusError.invalidArgs)
                // busctl, a different client, gets the same answer.
                let busctl = try await run(
                    "/usr/bin/busctl",
                    [
                        "--address=\(bus.address)", "call", Fixtures.busName, Fixtures.itemPath.rawValue,
                        Fixtures.interface, "Add", "s", "x",
                    ])
                #expect(busctl.status != 0)
                #expect(busctl.stderr.contains("expected arguments (ii), got (s)"))
                let sum = try await client.call(
                    destination: Fixtures.busName, path: Fixtures.itemPath, interface: Fixtures.interface,
                    method: "Add", arguments: [.int32(20), .int32(22)])
                #expect(sum == [.int32(42)])

                let badSet = await #expect(throws: DBusError.self) {
                    try await client.setProperty(
                        destination: Fixtures.busName, path: Fixtures.itemPath, interface: Fixtures.interface,
                        name: "Priority", value: "high")
                }
                #expect(badSet?.name == DBusError.invalidArgs)
                let readOnly = await #expect(throws: DBusError.self) {
                    try await client.setProperty(
                        destination: Fixtures.busName, path: Fixtures.itemPath, interface: Fixtures.interface,
                        name: "Name", value: "x")
                }
                #expect(readOnly?.name == DBusError.propertyReadOnly)
                let unknown = await #expect(throws: DBusError.self) {
                    _ = try await client.getProperty(
                        destination: Fixtures.busName, path: Fixtures.itemPath, interface: Fixtures.interface,
                        name: "Nope")
                }
                #expect(unknown?.name == DBusError.unknownProperty)
            }
        }

        @Test func everyTypeRoundTripsThroughTheBus() async throws {
            try await withPrivateBus { bus in
                let server = try await TestServer.start(on: bus)
                defer { server.stop() }
                let client = try await bus.connect()
                defer { client.close() }
                let path = try ObjectPath("/org/keepalive/Test1/item/x")
                let inner: DBusValue = .dictionary(["State": "MASTER", "Priority": .byte(254), "Up": true])
                let managed = DBusValue.dictionary(
                    key: .objectPath,
                    value: .dictionary(key: .string, value: .dictionary(key: .string, value: .variant)),
                    [
                        .objectPath(path): .dictionary(
                            key: .string, value: .dictionary(key: .string, value: .variant),
                            [.string("org.keepalive.Test1"): inner])
                    ])
                let all: [DBusValue] = [
                    .byte(255), .boolean(true), .int16(-32768), .uint16(65535), .int32(Int32.min),
                    .uint32(UInt32.max), .int64(Int64.min), .uint64(UInt64.max), .double(-1.5e300),
                    .string("héllo ✓ \u{1F600}"), .objectPath(path), .signature(try Signature("a{oa{sa{sv}}}")),
                    inner, managed,
                    .structure([
                        .int32(-7), "text", .array(of: ["a", "b"]), .structure([.uint32(9), .boolean(false)]),
                    ]),
                    .array(of: [1.5, -0.25]), .array(element: .byte, []),
                    .dictionary(
                        key: .uint32, value: .dictionary(key: .string, value: .string),
                        [.uint32(1): .dictionary(key: .string, value: .string, ["k": "v"])]),
                    .array(element: .variant, [.variant(.int64(5)), .variant(.variant("nested"))]),
                ]
                let reply = try await client.call(
                    destination: Fixtures.busName, path: Fixtures.itemPath, interface: Fixtures.interface,
                    method: "EchoAll", arguments: all)
                #expect(reply == all)

                // Each value alone inside a variant, and a variant of a variant.
                for value in all + [.variant(.variant(.uint16(3)))] {
                    let echoed = try await client.call(
                        destination: Fixtures.busName, path: Fixtures.itemPath, interface: Fixtures.interface,
                        method: "Echo", arguments: [.variant(value)])
                    #expect(echoed == [.variant(value)])
                }
            }
        }

        @Test func malformedValuesAreRefusedBeforeSending() async throws {
            try await withPrivateBus { bus in
                let client = try await bus.connect()
                defer { client.close() }
                let mixed = DBusValue.array(element: .string, [.string("a"), .int32(1)])
                let error = await #expect(throws: DBusError.self) {
                    _ = try await client.call(
                        destination: "org.freedesktop.DBus", path: try ObjectPath("/org/freedesktop/DBus"),
                        interface: "org.freedesktop.DBus", method: "GetId", arguments: [mixed])
                }
                #expect(error?.name == DBusError.invalidArgs)
                // Types libdbus would abort on are refused with an error instead.
                let badKey = DBusValue.array(element: .dictionary(key: .variant, value: .string), [])
                let emptyStruct = DBusValue.structure([])
                let badSignature = DBusValue.signature(
                    Signature(types: [.dictionary(key: .array(.byte), value: .byte)]))
                for value in [badKey, emptyStruct, badSignature, .variant(emptyStruct), .variant(badKey)] {
                    let refused = await #expect(throws: DBusError.self) {
                        _ = try await client.call(
                            destination: "org.freedesktop.DBus", path: try ObjectPath("/org/freedesktop/DBus"),
                            interface: "org.freedesktop.DBus", method: "GetId", arguments: [value])
                    }
                    #expect([DBusError.invalidSignature, DBusError.invalidArgs].contains(refused?.name), "\(value)")
                }
                for address in ["unix:path=\(bus.directory)/missing", "no-such-transport:x=1", "garbage"] {
                    await #expect(throws: DBusError.self, "\(address)") {
                        _ = try await DBusConnection.connect(address: address)
                    }
                }
                #expect(throws: DBusError.self) { try ObjectPath("/bad//path") }
                #expect(throws: DBusError.self) { try Signature("a{vs}") }
            }
        }

        @Test func tenThousandCallsSucceedWithStableMemory() async throws {
            try await withPrivateBus { bus in
                let server = try await TestServer.start(on: bus)
                defer { server.stop() }
                let client = try await bus.connect()
                defer { client.close() }
                var rssAfterFirstThousand = 0
                for index in 1...10_000 {
                    let reply = try await client.call(
                        destination: Fixtures.busName, path: Fixtures.itemPath, interface: Fixtures.interface,
                        method: "Add", arguments: [.int32(Int32(index)), .int32(1)])
                    #expect(reply == [.int32(Int32(index) + 1)])
                    if index == 1_000 { rssAfterFirstThousand = residentBytes() }
                }
                let rssAtEnd = residentBytes()
                let growth = rssAtEnd - rssAfterFirstThousand
                print("RSS after 1,000 calls: \(rssAfterFirstThousand) bytes, after 10,000: \(rssAtEnd) bytes")
                // 9,000 more calls may not grow the process by more than 4 MiB (~465 bytes a call).
                #expect(growth < 4 << 20, "RSS grew \(growth) bytes: \(rssAfterFirstThousand) -> \(rssAtEnd)")
            }
        }

        @Test func objectManagerListsAndAnnouncesObjects() async throws {
            try await withPrivateBus { bus in
                let server = try await TestServer.start(on: bus)
                defer { server.stop() }
                let client = try await bus.connect()
                defer { client.close() }
                let events = try await client.objectManagerEvents(sender: Fixtures.busName, path: Fixtures.root)
                let before = try await client.managedObjects(destination: Fixtures.busName, path: Fixtures.root)
                #expect(Array(before.keys) == [Fixtures.itemPath])
                #expect(before[Fixtures.itemPath]?[Fixtures.interface]?["Name"] == .string("vi-one"))
                #expect(before[Fixtures.itemPath]?[Fixtures.interface]?["Tags"] == .array(of: ["a", "b"]))

                let secondPath = Fixtures.root.appending(escaping: "second")
                let second = try await server.connection.export(
                    TestServer.makeItem(connection: server.connection, path: secondPath))
                try second.updateProperty(Fixtures.interface, "Count", .uint32(99))
                #expect(await second.propertyValue(Fixtures.interface, "Count") == .uint32(99))
                await second.unexport()

                var iterator = events.makeAsyncIterator()
                let added = try await iterator.next()
                guard case .added(let path, let interfaces) = added else {
                    Issue.record("expected InterfacesAdded, got \(String(describing: added))")
                    return
                }
                #expect(path == secondPath)
                #expect(interfaces[Fixtures.interface]?["Count"] == .uint32(7))
                #expect(try await iterator.next() == .removed(secondPath, [Fixtures.interface]))
                let after = try await client.managedObjects(destination: Fixtures.busName, path: Fixtures.root)
                #expect(Array(after.keys) == [Fixtures.itemPath])
            }
        }

        @Test func systemBusHonoursTheAddressVariable() async throws {
            try await withPrivateBus { bus in
                let previous = ProcessInfo.processInfo.environment["DBUS_SYSTEM_BUS_ADDRESS"]
                setenv("DBUS_SYSTEM_BUS_ADDRESS", bus.address, 1)
                defer {
                    if let previous {
                        setenv("DBUS_SYSTEM_BUS_ADDRESS", previous, 1)
                    } else {
                        unsetenv("DBUS_SYSTEM_BUS_ADDRESS")
                    }
                }
                let connection = try await DBusConnection.systemBus()
                defer { connection.close() }
                let direct = try await bus.connect()
                defer { direct.close() }
                func busID(_ connection: DBusConnection) async throws -> [DBusValue] {
                    try await connection.call(
                        destination: "org.freedesktop.DBus", path: try ObjectPath("/org/freedesktop/DBus"),
                        interface: "org.freedesktop.DBus", method: "GetId")
                }
                #expect(try await busID(connection) == busID(direct))
            }
        }

        @Test func aTakenNameIsRefusedClearly() async throws {
            try await withPrivateBus { bus in
                let first = try await bus.connect()
                defer { first.close() }
                let second = try await bus.connect()
                defer { second.close() }
                try await first.requestName("org.keepalive.Taken1")
                try await first.requestName("org.keepalive.Taken1")
                let error = await #expect(throws: DBusError.self) {
                    try await second.requestName("org.keepalive.Taken1")
                }
                #expect(error?.name == DBusConnection.nameTakenError)
                #expect(error?.message.contains(first.uniqueName) == true)
            }
        }

        @Test func losingTheBusIsSurfaced() async throws {
            let bus = try await PrivateBus.start()
            let client = try await bus.connect()
            let stream = try await client.signals(matching: DBusMatchRule(interface: "org.keepalive.Test1"))
            let consumer = Task { () -> DBusError? in
                do {
                    for try await _ in stream {}
                    return nil
                } catch {
                    return error as? DBusError
                }
            }
            await bus.stop()
            await client.waitUntilDisconnected()
            #expect(client.isDisconnected)
            #expect(await consumer.value?.name == DBusError.disconnected)
            let error = await #expect(throws: DBusError.self) {
                _ = try await client.nameOwner(of: "org.freedesktop.DBus")
            }
            #expect(error?.name == DBusError.disconnected)
        }
    }
}

/// Resident set size of this process, from /proc/self/statm.
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
}
