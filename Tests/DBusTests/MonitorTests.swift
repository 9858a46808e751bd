import DBus
import Foundation
import KeepaliveTestSupport
import Testing

extension BusTests {
    /// What the Swift server announces, as `dbus-monitor` sees it on the bus.
    @Suite struct Monitor {
        /// dbus-monitor's output split into messages: a header line and its indented body.
        func messages(_ output: String) -> [(header: String, body: String)] {
            var result: [(header: String, body: String)] = []
            for line in output.split(separator: "\n", omittingEmptySubsequences: true) {
                if line.hasPrefix(" ") {
                    if !result.isEmpty { result[result.count - 1].body += line + "\n" }
                } else {
                    result.append((String(line), ""))
                }
            }
            return result
        }

        @Test func propertiesChangedIsBatchedAndObjectManagerSignalsAreSent() async throws {
            try await withPrivateBus { bus in
                let server = try await TestServer.start(on: bus)
                defer { server.stop() }
                let monitor = try ChildProcess(
                    "/usr/bin/dbus-monitor",
                    [
                        "--address", bus.address,
                        "type='signal',interface='org.freedesktop.DBus.Properties'",
                        "type='signal',interface='org.freedesktop.DBus.ObjectManager'",
                        "type='signal',interface='org.keepalive.Test1'",
                    ])
                #expect(await monitor.waitForOutput(containing: "NameAcquired"))

                let second = try await server.connection.export(
                    TestServer.makeItem(
                        connection: server.connection, path: Fixtures.root.appending(escaping: "item two")))
                try server.item.updateProperties(Fixtures.interface, ["Count": .uint32(8), "Name": "renamed"])
                // Unchanged values are not announced.
                try server.item.updateProperties(Fixtures.interface, ["Count": .uint32(8)])
                try server.item.updateProperty(Fixtures.interface, "Tags", .array(of: ["c"]))
                try server.item.emitSignal(Fixtures.interface, "StateChanged", ["BACKUP", "MASTER", "priority"])
                await second.unexport()
                #expect(await monitor.waitForOutput(containing: "member=InterfacesRemoved"))
                let output = await monitor.terminate().stdout
                let seen = messages(output).filter {
                    !$0.header.contains("NameAcquired") && !$0.header.contains("NameLost")
                }

                let added = seen.filter { $0.header.contains("member=InterfacesAdded") }
                #expect(added.count == 1)
                #expect(added.first?.header.contains("path=/org/keepalive/Test1;") == true)
                #expect(added.first?.body.contains("object path \"/org/keepalive/Test1/item_20two\"") == true)
                #expect(added.first?.body.contains("string \"vi-one\"") == true)

                let changed = seen.filter { $0.header.contains("member=PropertiesChanged") }
                #expect(changed.count == 2, "\(output)")
                let batch = changed.first?.body ?? ""
                #expect(changed.first?.header.contains("path=/org/keepalive/Test1/item/VI_5f1;") == true)
                #expect(batch.contains("string \"Count\"") && batch.contains("uint32 8"))
                #expect(batch.contains("string \"Name\"") && batch.contains("string \"renamed\""))
                // Tags is annotated "invalidates": its name comes without the value.
                let invalidated = changed.last?.body ?? ""
                #expect(invalidated.contains("string \"Tags\""))
                #expect(!invalidated.contains("string \"c\""))

                let state = seen.filter { $0.header.contains("member=StateChanged") }
                #expect(state.first?.body.contains("string \"MASTER\"") == true)
                let removed = seen.filter { $0.header.contains("member=InterfacesRemoved") }
                #expect(removed.first?.body.contains("string \"org.keepalive.Test1\"") == true)
            }
        }
    }
}
