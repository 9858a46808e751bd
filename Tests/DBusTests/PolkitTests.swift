import DBus
import Foundation
import KeepaliveTestSupport
import Testing

extension BusTests {
    /// The polkit helper's paths that need no running polkitd (a real polkitd test comes later).
    @Suite struct Polkit {
        static let callerXML = """
            <node>
              <interface name="org.keepalive.Caller1">
                <method name="Whoami">
                  <arg name="sender" type="s" direction="out"/>
                  <arg name="interactive" type="b" direction="out"/>
                  <arg name="uid" type="u" direction="out"/>
                </method>
              </interface>
            </node>
            """

        @Test func callerContextCarriesSenderAndInteractiveFlag() async throws {
            try await withPrivateBus { bus in
                let server = try await bus.connect()
                defer { server.close() }
                try await server.requestName("org.keepalive.Caller1")
                var object = try DBusObject(path: try ObjectPath("/caller"), introspectionXML: Self.callerXML)
                try object.onMethod("org.keepalive.Caller1", "Whoami") { call in
                    let uid = try await server.unixUser(of: call.caller.sender)
                    return [
                        .string(call.caller.sender), .boolean(call.caller.allowInteractiveAuthorization), .uint32(uid),
                    ]
                }
                _ = try await server.export(object)
                let client = try await bus.connect()
                defer { client.close() }
                for interactive in [false, true] {
                    let reply = try await client.call(
                        destination: "org.keepalive.Caller1", path: try ObjectPath("/caller"),
                        interface: "org.keepalive.Caller1", method: "Whoami",
                        allowInteractiveAuthorization: interactive)
                    #expect(reply == [.string(client.uniqueName), .boolean(interactive), .uint32(getuid())])
                }
            }
        }

        @Test(.enabled(if: getuid() == 0, "needs root: runs a client as uid 65534"))
        func rootIsLetInAndOthersGetAccessDeniedWithoutPolkit() async throws {
            try await withPrivateBus { bus in
                let server = try await TestServer.start(on: bus)
                defer { server.stop() }
                let client = try await bus.connect()
                defer { client.close() }
                // uid 0: allowed without asking polkit (there is none on this bus).
                let reply = try await client.call(
                    destination: Fixtures.busName, path: Fixtures.itemPath, interface: Fixtures.interface,
                    method: "Manage")
                #expect(reply == [.string(client.uniqueName)])

                // Anyone else: polkit must be asked; it is absent, so the answer is AccessDenied.
                let nobody = try await run(
                    "/usr/bin/setpriv",
                    [
                        "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/busctl",
                        "--address=\(bus.address)", "call", Fixtures.busName, Fixtures.itemPath.rawValue,
                        Fixtures.interface, "Manage",
                    ])
                #expect(nobody.status != 0)
                #expect(nobody.stderr.contains("Access denied"))
                let python = try await run(
                    "/usr/bin/setpriv",
                    [
                        "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c",
                        """
                        import dbus, sys
                        bus = dbus.bus.BusConnection(sys.argv[1])
                        obj = bus.get_object('org.keepalive.Test1', '\(Fixtures.itemPath.rawValue)', introspect=False)
                        try:
                            obj.Manage(dbus_interface='org.keepalive.Test1')
                        except dbus.exceptions.DBusException as e:
                            print(e.get_dbus_name())
                            print(e.get_dbus_message())
                        """,
                        bus.address,
                    ])
                #expect(
                    python.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                        == DBusError.accessDenied + "\npolkit is not available to authorize org.keepalive.test.manage",
                    "\(python.stderr)")
            }
        }

        @Test func checkAuthorizationReportsAMissingPolkit() async throws {
            try await withPrivateBus { bus in
                let client = try await bus.connect()
                defer { client.close() }
                let authority = PolkitAuthority(connection: client)
                let error = await #expect(throws: DBusError.self) {
                    _ = try await authority.checkAuthorization(
                        caller: DBusCaller(sender: client.uniqueName, allowInteractiveAuthorization: false),
                        action: "org.keepalive.test.manage")
                }
                #expect(error?.name == DBusError.serviceUnknown)
            }
        }
    }
}
