import DBus
import Foundation
import KeepaliveTestSupport
import Testing

extension BusTests {
    /// A Swift server object driven by the standard tools: busctl, gdbus and python3-dbus.
    @Suite struct ServerTools {
        @Test func busctlCallsMethodsAndReadsProperties() async throws {
            try await withPrivateBus { bus in
                let server = try await TestServer.start(on: bus)
                defer { server.stop() }
                let path = Fixtures.itemPath.rawValue
                let base = ["--address=\(bus.address)"]
                let add = try await run(
                    "/usr/bin/busctl",
                    base + ["call", Fixtures.busName, path, Fixtures.interface, "Add", "ii", "2", "3"])
                #expect(add.status == 0, "\(add.stderr)")
                #expect(add.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "i 5")

                let name = try await run(
                    "/usr/bin/busctl", base + ["get-property", Fixtures.busName, path, Fixtures.interface, "Name"])
                #expect(name.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "s \"vi-one\"")

                let tags = try await run(
                    "/usr/bin/busctl", base + ["get-property", Fixtures.busName, path, Fixtures.interface, "Tags"])
                #expect(tags.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "as 2 \"a\" \"b\"")

                let introspect = try await run(
                    "/usr/bin/busctl", base + ["introspect", Fixtures.busName, path, Fixtures.interface])
                #expect(introspect.status == 0, "\(introspect.stderr)")
                #expect(introspect.stdout.contains(".Add"))
                #expect(introspect.stdout.contains(".StateChanged"))
                #expect(introspect.stdout.contains(".Priority"))

                let set = try await run(
                    "/usr/bin/busctl",
                    base + ["set-property", Fixtures.busName, path, Fixtures.interface, "Priority", "y", "150"])
                #expect(set.status == 0, "\(set.stderr)")
                let priority = try await run(
                    "/usr/bin/busctl", base + ["get-property", Fixtures.busName, path, Fixtures.interface, "Priority"])
                #expect(priority.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "y 150")

                let refused = try await run(
                    "/usr/bin/busctl",
                    base + ["set-property", Fixtures.busName, path, Fixtures.interface, "Priority", "y", "0"])
                #expect(refused.status != 0)
                #expect(refused.stderr.contains("priority must be 1-254"))
            }
        }

        @Test func gdbusCallsMethodsAndReadsProperties() async throws {
            try await withPrivateBus { bus in
                let server = try await TestServer.start(on: bus)
                defer { server.stop() }
                let base = [
                    "call", "--address", bus.address, "--dest", Fixtures.busName,
                    "--object-path", Fixtures.itemPath.rawValue,
                ]
                let greet = try await run("/usr/bin/gdbus", base + ["--method", "org.keepalive.Test1.Greet", "gdbus"])
                #expect(greet.status == 0, "\(greet.stderr)")
                #expect(greet.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "('hello gdbus',)")

                let get = try await run(
                    "/usr/bin/gdbus",
                    base + ["--method", "org.freedesktop.DBus.Properties.Get", Fixtures.interface, "Count"])
                #expect(get.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "(<uint32 7>,)")

                let all = try await run(
                    "/usr/bin/gdbus", base + ["--method", "org.freedesktop.DBus.Properties.GetAll", Fixtures.interface])
                #expect(all.status == 0, "\(all.stderr)")
                for expected in ["'Name': <'vi-one'>", "'Count': <uint32 7>", "'Priority': <byte 0x64>"] {
                    #expect(all.stdout.contains(expected), "\(all.stdout)")
                }

                let ping = try await run("/usr/bin/gdbus", base + ["--method", "org.freedesktop.DBus.Peer.Ping"])
                #expect(ping.status == 0, "\(ping.stderr)")
                let machine = try await run(
                    "/usr/bin/gdbus", base + ["--method", "org.freedesktop.DBus.Peer.GetMachineId"])
                #expect(machine.status == 0, "\(machine.stderr)")
            }
        }

        @Test func python3DBusCallsAndIntrospectsToTheSameXML() async throws {
            try await withPrivateBus { bus in
                let server = try await TestServer.start(on: bus)
                defer { server.stop() }
                let script = """
                    import dbus, json, sys
                    bus = dbus.bus.BusConnection(sys.argv[1])
                    obj = bus.get_object('org.keepalive.Test1', sys.argv[2])
                    test = dbus.Interface(obj, 'org.keepalive.Test1')
                    props = dbus.Interface(obj, dbus.PROPERTIES_IFACE)
                    everything = props.GetAll('org.keepalive.Test1')
                    result = {
                        'add': int(test.Add(40, 2)),
                        'greet': str(test.Greet('python')),
                        'name': str(props.Get('org.keepalive.Test1', 'Name')),
                        'keys': sorted(str(k) for k in everything.keys()),
                        'count': int(everything['Count']),
                    }
                    try:
                        test.Fail()
                    except dbus.exceptions.DBusException as e:
                        result['fail'] = e.get_dbus_name()
                    sys.stdout.write(json.dumps(result, sort_keys=True) + '\\n')
                    xml = obj.Introspect(dbus_interface='org.freedesktop.DBus.Introspectable')
                    open(sys.argv[3], 'w').write(xml)
                    """
                let scriptPath = bus.directory + "/client.py"
                let xmlPath = bus.directory + "/served.xml"
                try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
                let result = try await run(
                    "/usr/bin/python3", [scriptPath, bus.address, Fixtures.itemPath.rawValue, xmlPath])
                #expect(result.status == 0, "\(result.stderr)")
                let expected = """
                    {"add": 42, "count": 7, "fail": "org.keepalive.Error.Test", \
                    "greet": "hello python", "keys": ["Count", "Name", "Priority", "Tags"], "name": "vi-one"}
                    """
                #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == expected)
                let served = try String(contentsOfFile: xmlPath, encoding: .utf8)
                #expect(served == Fixtures.xml)
            }
        }

        @Test func parentNodesListChildrenAndUnknownPathsAreRefused() async throws {
            try await withPrivateBus { bus in
                let server = try await TestServer.start(on: bus)
                defer { server.stop() }
                let client = try await bus.connect()
                defer { client.close() }
                let root = try await client.call(
                    destination: Fixtures.busName, path: Fixtures.root,
                    interface: "org.freedesktop.DBus.Introspectable", method: "Introspect")
                #expect(root.first?.stringValue?.contains("<node name=\"item\"/>") == true)

                let error = await #expect(throws: DBusError.self) {
                    _ = try await client.call(
                        destination: Fixtures.busName, path: try ObjectPath("/nowhere"),
                        interface: Fixtures.interface, method: "Add", arguments: [.int32(1), .int32(2)])
                }
                #expect(error?.name == DBusError.unknownObject)
                let unknown = await #expect(throws: DBusError.self) {
                    _ = try await client.call(
                        destination: Fixtures.busName, path: Fixtures.itemPath,
                        interface: Fixtures.interface, method: "Subtract")
                }
                #expect(unknown?.name == DBusError.unknownMethod)
            }
        }
    }
}
