import DBus
import Foundation
import KeepaliveTestSupport
import KeepalivedConfig
import Testing

/// The daemons on a private bus with the project's own bus policy, each in its own namespace.
@Suite(.enabled(if: getuid() == 0, "needs root: network namespaces, and owning names under the project's bus policy"))
struct DaemonLifecycleTests {
    /// A private bus with our policy, a namespace, a temp dir and a root client; torn down after.
    func withLab(_ body: (PrivateBus, TestNamespace, String, DBusConnection) async throws -> Void) async throws {
        let bus = try await PrivateBus.start(policyDirectories: [Repository.dbusDirectory])
        let namespace = try await TestNamespace.create("kalife")
        let directory = try Repository.temporaryDirectory("kalife")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let client = try await bus.connect()
            try await body(bus, namespace, directory, client)
            client.close()
        } catch {
            await namespace.delete()
            await bus.stop()
            throw error
        }
        await namespace.delete()
        await bus.stop()
    }

    @Test(arguments: ["vrrpd", "checkd"])
    func ownsItsNameAndServesTheShippedInterface(daemon name: String) async throws {
        try await withLab { bus, namespace, directory, client in
            let config = try writeConfig(sampleConfig, in: directory)
            let daemon = try DaemonUnderTest.start(name, config: config, bus: bus, in: namespace)
            defer { daemon.process.signal(SIGKILL) }
            try await daemon.waitForName(on: client)

            let served = try await client.call(
                destination: daemon.busName, path: daemon.rootPath, interface: "org.freedesktop.DBus.Introspectable",
                method: "Introspect")
            let shipped = try String(
                contentsOfFile: "\(Repository.dbusDirectory)/\(daemon.busName).xml", encoding: .utf8)
            // The shipped file, plus a `<node name=.../>` line per child the daemon has exported.
            let servedXML = try #require(served.first?.stringValue)
            let withoutChildren = servedXML.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !($0.hasPrefix("  <node name=\"") && $0.hasSuffix("\"/>")) }
                .joined(separator: "\n")
            #expect(withoutChildren == shipped)

            #expect(try await daemon.property("Version", on: client).stringValue == KeepaliveVersion.current)
            #expect(try await daemon.property("ConfigFile", on: client).stringValue == config)
            let loadedAt = try #require(try await daemon.property("ConfigLoadedAt", on: client).uint64Value)
            let now = UInt64(Date().timeIntervalSince1970 * 1_000_000)
            #expect(loadedAt <= now && loadedAt > now - 60_000_000)

            let managed = try await client.managedObjects(destination: daemon.busName, path: daemon.rootPath)
            #expect(managed.keys.allSatisfy { $0.isDescendant(of: daemon.rootPath) })
        }
    }

    @Test func reloadRefusesABrokenFileAndKeepsTheRunningConfiguration() async throws {
        try await withLab { bus, namespace, directory, client in
            let config = try writeConfig(sampleConfig, in: directory)
            let daemon = try DaemonUnderTest.start("vrrpd", config: config, bus: bus, in: namespace)
            defer { daemon.process.signal(SIGKILL) }
            try await daemon.waitForName(on: client)
            let firstLoad = try await daemon.property("ConfigLoadedAt", on: client).uint64Value

            // A bad value on line 12 (priority out of range): refused over D-Bus, with its location.
            _ = try writeConfig(
                sampleConfig.replacingOccurrences(of: "priority 100", with: "priority 300"), in: directory)
            let refusal = await #expect(throws: DBusError.self) {
                _ = try await client.call(
                    destination: daemon.busName, path: daemon.rootPath, interface: daemon.busName, method: "Reload")
            }
            #expect(refusal?.name == "org.keepalive.Error.ConfigurationRefused")
            #expect(refusal?.message.contains("\(config):12:") == true)
            #expect(try await daemon.property("ConfigLoadedAt", on: client).uint64Value == firstLoad)

            // The same through SIGHUP: logged, refused, and the daemon keeps serving.
            daemon.process.signal(SIGHUP)
            #expect(await daemon.process.waitForError(containing: "Reload refused"))
            #expect(daemon.process.isRunning)
            #expect(try await daemon.property("ConfigLoadedAt", on: client).uint64Value == firstLoad)

            // A good file again is taken.
            _ = try writeConfig(
                sampleConfig.replacingOccurrences(of: "priority 100", with: "priority 110"), in: directory)
            _ = try await client.call(
                destination: daemon.busName, path: daemon.rootPath, interface: daemon.busName, method: "Reload")
            let reloaded = try #require(try await daemon.property("ConfigLoadedAt", on: client).uint64Value)
            #expect(reloaded > firstLoad ?? 0)
        }
    }

    @Test func aCallWithTheWrongSignatureGetsInvalidArgsAndTheDaemonKeepsServing() async throws {
        try await withLab { bus, namespace, directory, client in
            let daemon = try DaemonUnderTest.start(
                "checkd", config: try writeConfig(sampleConfig, in: directory), bus: bus, in: namespace)
            defer { daemon.process.signal(SIGKILL) }
            try await daemon.waitForName(on: client)
            let error = await #expect(throws: DBusError.self) {
                _ = try await client.call(
                    destination: daemon.busName, path: daemon.rootPath, interface: daemon.busName, method: "Reload",
                    arguments: [.string("unexpected")])
            }
            #expect(error?.name == DBusError.invalidArgs)
            #expect(try await daemon.property("Version", on: client).stringValue == KeepaliveVersion.current)
        }
    }

    @Test func onlyRootOwnsTheNamesAndOthersMayReadButNotReload() async throws {
        try await withLab { bus, namespace, directory, client in
            let daemon = try DaemonUnderTest.start(
                "vrrpd", config: try writeConfig(sampleConfig, in: directory), bus: bus, in: namespace)
            defer { daemon.process.signal(SIGKILL) }
            try await daemon.waitForName(on: client)
            let nobody = [
                "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/busctl", "--address=\(bus.address)",
            ]

            let own = try await run(
                "/usr/bin/setpriv",
                nobody + [
                    "call", "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "RequestName",
                    "su", "org.keepalive.Check1", "4",
                ])
            #expect(own.status != 0)
            #expect(own.stderr.contains("Access denied") || own.stderr.contains("not allowed to own"))

            let read = try await run(
                "/usr/bin/setpriv",
                nobody + ["get-property", daemon.busName, daemon.rootPath.rawValue, daemon.busName, "Version"])
            #expect(read.status == 0)
            #expect(read.stdout.contains(KeepaliveVersion.current))

            // No polkit on this bus: an unprivileged Reload is refused, never let through.
            let reload = try await run(
                "/usr/bin/setpriv",
                nobody + ["call", daemon.busName, daemon.rootPath.rawValue, daemon.busName, "Reload"])
            #expect(reload.status != 0)
            #expect(reload.stderr.lowercased().contains("access denied") || reload.stderr.contains("AccessDenied"))
        }
    }

    @Test func tellsSystemdReadyReloadingAndStopping() async throws {
        try await withLab { bus, namespace, directory, client in
            let socket = try NotifySocket(path: directory + "/notify")
            defer { socket.close() }
            let daemon = try DaemonUnderTest.start(
                "checkd", config: try writeConfig(sampleConfig, in: directory), bus: bus, in: namespace,
                environment: ["NOTIFY_SOCKET": socket.path])
            defer { daemon.process.signal(SIGKILL) }

            let ready = try await socket.receive()
            #expect(ready.contains("READY=1"))
            #expect(try await client.nameOwner(of: daemon.busName) != nil)

            daemon.process.signal(SIGHUP)
            #expect(try await socket.receive().contains("RELOADING=1"))
            #expect(try await socket.receive().contains("READY=1"))

            daemon.process.signal(SIGTERM)
            #expect(try await socket.receive().contains("STOPPING=1"))
            let exit = await daemon.process.wait(seconds: 20)
            #expect(exit.status == 0)
        }
    }

    @Test func pingsTheWatchdogWhileRunningAndNotWhileStopped() async throws {
        try await withLab { bus, namespace, directory, client in
            let socket = try NotifySocket(path: directory + "/notify")
            defer { socket.close() }
            // WATCHDOG_PID must name the daemon: `ip netns exec` execs it, so it keeps the pid we spawn.
            let daemon = try DaemonUnderTest.start(
                "checkd", config: try writeConfig(sampleConfig, in: directory), bus: bus, in: namespace,
                environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "400000"])
            defer { daemon.process.signal(SIGKILL) }
            #expect(try await socket.receive().contains("READY=1"))
            for _ in 0..<3 { #expect(try await socket.receive(seconds: 2).contains("WATCHDOG=1")) }

            // A stopped daemon sends nothing; systemd would restart it after WatchdogSec.
            daemon.process.signal(SIGSTOP)
            socket.drain()
            await #expect(throws: HarnessError.self) { _ = try await socket.receive(seconds: 1) }
            daemon.process.signal(SIGCONT)
            #expect(try await socket.receive(seconds: 2).contains("WATCHDOG=1"))
        }
    }

    @Test func reconnectsAndOwnsItsNameAgainWhenTheBusRestarts() async throws {
        try await withLab { bus, namespace, directory, client in
            let daemon = try DaemonUnderTest.start(
                "vrrpd", config: try writeConfig(sampleConfig, in: directory), bus: bus, in: namespace)
            defer { daemon.process.signal(SIGKILL) }
            try await daemon.waitForName(on: client)

            let restarted = try await bus.restarted()
            defer { Task { await restarted.stop() } }
            let newClient = try await restarted.connect()
            defer { newClient.close() }
            try await daemon.waitForName(on: newClient)
            #expect(daemon.process.isRunning)
            #expect(try await daemon.property("Version", on: newClient).stringValue == KeepaliveVersion.current)
        }
    }

    @Test(.enabled(if: !FileManager.default.fileExists(atPath: "/proc/net/ip_vs"), "this kernel has IPVS"))
    func ipvsdRefusesToStartOnAKernelWithoutIPVS() async throws {
        try await withLab { bus, namespace, directory, client in
            let daemon = try DaemonUnderTest.start(
                "ipvsd", config: try writeConfig(sampleConfig, in: directory), bus: bus, in: namespace)
            let exit = await daemon.process.wait(seconds: 20)
            #expect(exit.status != 0)
            #expect(exit.stderr.contains("the kernel has no IPVS"))
            #expect(try await client.nameOwner(of: daemon.busName) == nil)
        }
    }
}

/// A unix datagram socket standing in for systemd's notify socket.
final class NotifySocket: Sendable {
    let path: String
    let fd: Int32

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard fd >= 0, bound == 0 else { throw HarnessError("cannot bind \(path): errno \(errno)") }
    }

    /// The next datagram, polling without blocking a thread; throws after `seconds`.
    func receive(seconds: Double = 20) async throws -> String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count > 0 { return String(decoding: buffer[0..<count], as: UTF8.self) }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw HarnessError("no notification on \(path) within \(seconds) s")
    }

    /// Drops whatever arrived so far.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while recv(fd, &buffer, buffer.count, 0) > 0 {}
    }

    func close() {
        Glibc.close(fd)
        unlink(path)
    }
}
