import DBus
import Foundation
import Synchronization
import KeepaliveTestSupport

/// The built `checkd` on a private bus, with its configuration in a fresh directory and its
/// objects read back with `busctl`, as an administrator would.
final class CheckdProcess: Sendable {
    static let busName = "org.keepalive.Check1"
    static let root = "/org/keepalive/Check1"
    static let scriptInterface = "org.keepalive.Check1.Script"
    static let realServerInterface = "org.keepalive.Check1.RealServer"

    let bus: PrivateBus
    let configPath: String
    let process: ChildProcess

    init(configPath: String, bus: PrivateBus, environment: [String: String] = [:]) throws {
        self.bus = bus
        self.configPath = configPath
        process = try ChildProcess(
            try Repository.binary("checkd"),
            ["-f", configPath, "--bus-address", bus.socketAddress, "--interfaces-directory", Repository.dbusDirectory],
            environment: environment)
    }

    /// Starts checkd and waits until it owns its name; it is killed when `body` ends.
    static func with<T>(
        config: String, in directory: String, bus: PrivateBus, _ body: (CheckdProcess) async throws -> T
    ) async throws -> T {
        let path = directory + "/keepalived.conf"
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        let checkd = try CheckdProcess(configPath: path, bus: bus)
        do {
            try await checkd.waitForName()
            let result = try await body(checkd)
            await checkd.process.terminate()
            return result
        } catch {
            let output = await checkd.process.terminate()
            throw TestFailure("\(error)\n--- checkd stderr ---\n\(output.stderr)")
        }
    }

    func waitForName() async throws {
        let client = try await bus.connect()
        defer { client.close() }
        for _ in 0..<1000 {
            if (try? await client.nameOwner(of: Self.busName)) ?? nil != nil { return }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("checkd did not own \(Self.busName)")
    }

    /// The log so far (stderr outside systemd).
    var log: String { process.stderr }

    static func scriptPath(_ name: String) -> String {
        root + "/script/" + ObjectPath.escapeLabel(name)
    }

    static func realServerPath(_ virtualServer: String, _ realServer: String) -> String {
        root + "/realserver/" + ObjectPath.escapeLabel(virtualServer) + "/" + ObjectPath.escapeLabel(realServer)
    }

    /// `busctl get-property` output, e.g. `s "OK"` or `b true`.
    func property(_ path: String, _ interface: String, _ name: String) async throws -> String {
        let result = try await busctl(["get-property", Self.busName, path, interface, name])
        guard result.status == 0 else { throw TestFailure("get-property \(path) \(name): \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func scriptProperty(_ script: String, _ name: String) async throws -> String {
        try await property(Self.scriptPath(script), Self.scriptInterface, name)
    }

    func serverProperty(_ virtualServer: String, _ realServer: String, _ name: String) async throws -> String {
        try await property(Self.realServerPath(virtualServer, realServer), Self.realServerInterface, name)
    }

    /// Calls a RealServer method as root through busctl.
    func call(_ virtualServer: String, _ realServer: String, _ method: String, _ arguments: [String] = [])
        async throws -> CommandResult
    {
        try await busctl(
            ["call", Self.busName, Self.realServerPath(virtualServer, realServer), Self.realServerInterface, method]
                + arguments)
    }

    func busctl(_ arguments: [String]) async throws -> CommandResult {
        try await run("/usr/bin/busctl", ["--address=\(bus.address)"] + arguments)
    }

    /// Polls until `read()` returns `expected`; fails with the last value and the log.
    func waitFor(
        _ expected: String, seconds: Double = 30, _ what: String = "", _ read: () async throws -> String
    ) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < deadline {
            last = (try? await read()) ?? last
            if last == expected { return }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("\(what) is \(last), expected \(expected)\n--- checkd stderr ---\n\(log)")
    }

    func waitForLog(_ text: String, seconds: Double = 30) async throws {
        guard await process.waitForError(containing: text, seconds: seconds) else {
            throw TestFailure("checkd never logged '\(text)'\n--- checkd stderr ---\n\(log)")
        }
    }

    /// Object paths served below the root, from GetManagedObjects through busctl.
    func managedPaths() async throws -> [String] {
        let result = try await busctl([
            "--json=short", "call", Self.busName, Self.root, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects",
        ])
        guard result.status == 0, let data = result.stdout.data(using: .utf8),
            let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let objects = (json["data"] as? [Any])?.first as? [String: Any]
        else { throw TestFailure("GetManagedObjects: \(result.stderr) \(result.stdout)") }
        return objects.keys.sorted()
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Files a test writes: scripts (root-owned, 0755, as script security wants) and flags.
struct TestFiles {
    let directory: String

    static func with<T>(_ body: (TestFiles) async throws -> T) async throws -> T {
        let files = TestFiles(directory: try Repository.temporaryDirectory("kacheckd"))
        defer { try? FileManager.default.removeItem(atPath: files.directory) }
        return try await body(files)
    }

    func path(_ name: String) -> String { directory + "/" + name }

    @discardableResult
    func script(_ name: String, _ body: String) throws -> String {
        let path = path(name)
        try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    func touch(_ name: String) { FileManager.default.createFile(atPath: path(name), contents: Data()) }
    func remove(_ name: String) { try? FileManager.default.removeItem(atPath: path(name)) }
    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }
    func read(_ name: String) -> String { (try? String(contentsOfFile: path(name), encoding: .utf8)) ?? "" }
    func lines(_ name: String) -> Int { read(name).split(separator: "\n").count }
}

/// A TCP listener on 127.0.0.1 the test opens and closes, for TCP_CHECK. A thread accepts and
/// closes every connection, so the backlog never fills however often checkd connects.
final class LoopbackListener: Sendable {
    let port: UInt16
    private let state: Mutex<(descriptor: Int32, done: DispatchSemaphore?)>

    /// Listens on an ephemeral port.
    init() throws {
        let (fd, bound) = try Self.listen(port: 0)
        port = bound
        state = Mutex((fd, Self.acceptLoop(fd)))
    }

    /// Stops listening: connections are refused.
    func close() {
        let (fd, done) = state.withLock { state in
            defer { state = (-1, nil) }
            return state
        }
        guard fd >= 0 else { return }
        shutdown(fd, Int32(SHUT_RDWR))
        done?.wait()
        Glibc.close(fd)
    }

    /// Listens again on the same port.
    func reopen() throws {
        close()
        let fd = try Self.listen(port: port).0
        state.withLock { $0 = (fd, Self.acceptLoop(fd)) }
    }

    deinit { close() }

    private static func acceptLoop(_ fd: Int32) -> DispatchSemaphore {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            while true {
                let connection = accept(fd, nil, nil)
                if connection >= 0 {
                    Glibc.close(connection)
                } else if errno != EINTR {
                    break
                }
            }
            done.signal()
        }
        thread.start()
        return done
    }

    private static func listen(port: UInt16) throws -> (Int32, UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(errno)") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 16) == 0 else {
            Glibc.close(fd)
            throw TestFailure("bind/listen on port \(port): \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, UInt16(bigEndian: address.sin_port))
    }
}
