import DBus
import Foundation
import KeepaliveTestSupport
import Testing

/// A python3-dbus service the Swift client talks to.
private let pythonService = """
    import sys, dbus, dbus.service, dbus.mainloop.glib
    from gi.repository import GLib
    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.bus.BusConnection(sys.argv[1])
    IFACE = 'org.keepalive.PyTest1'

    class Service(dbus.service.Object):
        def __init__(self):
            super().__init__(bus, '/org/keepalive/PyTest1')
            self.props = {'Mode': 'idle', 'Level': dbus.UInt32(3)}

        @dbus.service.method(IFACE, in_signature='s', out_signature='s')
        def Shout(self, text):
            return text.upper()

        @dbus.service.method(IFACE, in_signature='a{sv}', out_signature='as')
        def Keys(self, mapping):
            return sorted(mapping.keys())

        @dbus.service.method(IFACE, in_signature='', out_signature='')
        def Boom(self):
            raise dbus.exceptions.DBusException('boom', name='org.keepalive.Error.Boom')

        @dbus.service.method(IFACE, in_signature='d', out_signature='')
        def Sleep(self, seconds):
            import time
            time.sleep(seconds)

        @dbus.service.method(IFACE, in_signature='s', out_signature='')
        def Announce(self, state):
            old = self.props['Mode']
            self.props['Mode'] = state
            self.StateChanged(old, state)
            self.PropertiesChanged(IFACE, {'Mode': state}, [])

        @dbus.service.signal(IFACE, signature='ss')
        def StateChanged(self, old, new):
            pass

        @dbus.service.method(dbus.PROPERTIES_IFACE, in_signature='ss', out_signature='v')
        def Get(self, interface, name):
            return self.props[name]

        @dbus.service.method(dbus.PROPERTIES_IFACE, in_signature='s', out_signature='a{sv}')
        def GetAll(self, interface):
            return self.props

        @dbus.service.signal(dbus.PROPERTIES_IFACE, signature='sa{sv}as')
        def PropertiesChanged(self, interface, changed, invalidated):
            pass

    service = Service()
    name = dbus.service.BusName('org.keepalive.PyTest1', bus)
    print('READY', flush=True)
    GLib.MainLoop().run()
    """

extension BusTests {
    /// The Swift client against a python3-dbus server.
    @Suite struct Client {
        static let name = "org.keepalive.PyTest1"
        static let interface = "org.keepalive.PyTest1"
        static let path = try! ObjectPath("/org/keepalive/PyTest1")

        func startPython(_ bus: PrivateBus) async throws -> ChildProcess {
            let scriptPath = bus.directory + "/service.py"
            try pythonService.write(toFile: scriptPath, atomically: true, encoding: .utf8)
            let python = try ChildProcess("/usr/bin/python3", [scriptPath, bus.address])
            guard await python.waitForOutput(containing: "READY") else {
                await python.terminate()
                throw BusStartError(message: "python service did not start: \(python.stderr)")
            }
            return python
        }

        /// Runs `body` with the python service, killing it on every path.
        func withPython(_ bus: PrivateBus, _ body: (ChildProcess) async throws -> Void) async throws {
            let python = try await startPython(bus)
            do {
                try await body(python)
            } catch {
                await python.terminate()
                throw error
            }
            await python.terminate()
        }

        @Test func callsAndProperties() async throws {
            try await withPrivateBus { bus in
                try await withPython(bus) { _ in
                    let client = try await bus.connect()
                    defer { client.close() }

                    let shout = try await client.call(
                        destination: Self.name, path: Self.path, interface: Self.interface, method: "Shout",
                        arguments: ["quiet"])
                    #expect(shout == [.string("QUIET")])

                    let keys = try await client.call(
                        destination: Self.name, path: Self.path, interface: Self.interface, method: "Keys",
                        arguments: [.dictionary(["b": .int32(1), "a": .boolean(true)])])
                    #expect(keys.first?.as([String].self) == ["a", "b"])

                    let boom = await #expect(throws: DBusError.self) {
                        _ = try await client.call(
                            destination: Self.name, path: Self.path, interface: Self.interface, method: "Boom")
                    }
                    #expect(boom?.name == "org.keepalive.Error.Boom")

                    let slow = await #expect(throws: DBusError.self) {
                        _ = try await client.call(
                            destination: Self.name, path: Self.path, interface: Self.interface, method: "Sleep",
                            arguments: [.double(2)], timeout: .milliseconds(100))
                    }
                    #expect(slow?.name == DBusError.noReply)

                    let mode = try await client.getProperty(
                        destination: Self.name, path: Self.path, interface: Self.interface, name: "Mode")
                    #expect(mode == .string("idle"))
                    let all = try await client.getAllProperties(
                        destination: Self.name, path: Self.path, interface: Self.interface)
                    #expect(all == ["Mode": .string("idle"), "Level": .uint32(3)])
                }
            }
        }

        @Test func cancellingTheCallerCancelsTheCall() async throws {
            try await withPrivateBus { bus in
                try await withPython(bus) { _ in
                    let client = try await bus.connect()
                    defer { client.close() }
                    let slow = Task {
                        try await client.call(
                            destination: Self.name, path: Self.path, interface: Self.interface, method: "Sleep",
                            arguments: [.double(1)])
                    }
                    try await Task.sleep(for: .milliseconds(50))
                    slow.cancel()
                    await #expect(throws: CancellationError.self) { _ = try await slow.value }
                    let shout = try await client.call(
                        destination: Self.name, path: Self.path, interface: Self.interface, method: "Shout",
                        arguments: ["again"])
                    #expect(shout == [.string("AGAIN")])
                }
            }
        }

        @Test func signalsAndPropertiesChangedArriveAsSequences() async throws {
            try await withPrivateBus { bus in
                try await withPython(bus) { python in
                    let client = try await bus.connect()
                    defer { client.close() }

                    let stateChanges = try await client.signals(
                        matching: DBusMatchRule(sender: Self.name, interface: Self.interface, member: "StateChanged"))
                    let propertyChanges = try await client.propertiesChanges(
                        sender: Self.name, interface: Self.interface)
                    _ = try await client.call(
                        destination: Self.name, path: Self.path, interface: Self.interface, method: "Announce",
                        arguments: ["busy"])

                    let signal = try await firstElement(of: stateChanges)
                    #expect(signal.member == "StateChanged")
                    #expect(signal.path == Self.path)
                    #expect(signal.arguments == [.string("idle"), .string("busy")])
                    let change = try await firstElement(of: propertyChanges)
                    #expect(change.interface == Self.interface)
                    #expect(change.changed == ["Mode": .string("busy")])
                    #expect(change.invalidated.isEmpty)

                    // The owner of the name goes away: NameOwnerChanged says so.
                    let owners = try await client.nameOwnerChanges(of: Self.name)
                    let owner = try await client.nameOwner(of: Self.name)
                    #expect(owner?.hasPrefix(":") == true)
                    await python.terminate()
                    let gone = try await firstElement(of: owners)
                    #expect(gone.name == Self.name)
                    #expect(gone.oldOwner == owner)
                    #expect(gone.newOwner == nil)
                    #expect(try await client.nameOwner(of: Self.name) == nil)
                }
            }
        }

        @Test func leavingASubscriptionRemovesItsMatch() async throws {
            try await withPrivateBus { bus in
                let client = try await bus.connect()
                defer { client.close() }
                let rule = DBusMatchRule(sender: "org.keepalive.Nobody", interface: "org.keepalive.Nothing")
                func matchCount() async throws -> Int {
                    let reply = try await client.call(
                        destination: "org.freedesktop.DBus", path: try ObjectPath("/org/freedesktop/DBus"),
                        interface: "org.freedesktop.DBus.Debug.Stats", method: "GetConnectionStats",
                        arguments: [.string(client.uniqueName)])
                    return Int(reply.first?.stringDictionaryValue?["MatchRules"]?.uint32Value ?? 0)
                }
                let before = try await matchCount()
                let task = Task {
                    let stream = try await client.signals(matching: rule)
                    for try await _ in stream {}
                }
                var during = before
                for _ in 0..<200 where during == before {
                    try await Task.sleep(for: .milliseconds(10))
                    during = try await matchCount()
                }
                #expect(during > before)
                task.cancel()
                var after = during
                for _ in 0..<200 where after != before {
                    try await Task.sleep(for: .milliseconds(10))
                    after = try await matchCount()
                }
                #expect(after == before)

                // A stream that is dropped without being iterated removes its match too.
                do {
                    let unused = try await client.signals(matching: rule)
                    #expect(try await matchCount() > before)
                    _ = unused
                }
                var dropped = -1
                for _ in 0..<200 where dropped != before {
                    try await Task.sleep(for: .milliseconds(10))
                    dropped = try await matchCount()
                }
                #expect(dropped == before)
            }
        }
    }
}
