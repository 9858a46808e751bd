import Foundation
import Synchronization

/// A private `dbus-daemon` for one test: system-bus type, a unix socket in a fresh directory,
/// EXTERNAL auth and a policy that lets anyone own, send and receive.
final class PrivateBus: Sendable {
    let directory: String
    let address: String
    private let daemon: Mutex<ChildProcess>

    private init(directory: String, address: String, daemon: ChildProcess) {
        self.directory = directory
        self.address = address
        self.daemon = Mutex(daemon)
    }

    private static func launch(_ directory: String) throws -> ChildProcess {
        try ChildProcess(
            "/usr/bin/dbus-daemon", ["--config-file=\(directory)/bus.conf", "--nofork"],
            logPath: directory + "/bus.log")
    }

    private static func waitForSocket(_ directory: String) async throws {
        let socket = directory + "/bus"
        try await waitUntil("dbus-daemon listens on \(socket)") {
            FileManager.default.fileExists(atPath: socket)
        }
    }

    /// The bus goes away (every connection drops), then comes back at the same address.
    func restart(after outage: Duration) async throws {
        let old = daemon.withLock { $0 }
        old.signal(SIGKILL)
        await old.wait()
        try? FileManager.default.removeItem(atPath: directory + "/bus")
        try await Task.sleep(for: outage)
        let new = try Self.launch(directory)
        daemon.withLock { $0 = new }
        try await Self.waitForSocket(directory)
    }

    static func start() async throws -> PrivateBus {
        let directory = try makeTemporaryDirectory("kavd-bus")
        let socket = directory + "/bus"
        let config = """
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
             "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <type>system</type>
              <listen>unix:path=\(socket)</listen>
              <auth>EXTERNAL</auth>
              <policy context="default">
                <allow user="*"/>
                <allow own="*"/>
                <allow send_destination="*" eavesdrop="true"/>
                <allow receive_sender="*"/>
              </policy>
            </busconfig>
            """
        let configPath = directory + "/bus.conf"
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let bus = PrivateBus(directory: directory, address: "unix:path=\(socket)", daemon: try launch(directory))
        do {
            try await waitForSocket(directory)
        } catch {
            await bus.stop()
            throw error
        }
        return bus
    }

    func stop() async {
        let daemon = self.daemon.withLock { $0 }
        daemon.signal(SIGKILL)
        await daemon.wait()
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func with<Result>(_ body: (PrivateBus) async throws -> Result) async throws -> Result {
        let bus = try await start()
        do {
            let result = try await body(bus)
            await bus.stop()
            return result
        } catch {
            await bus.stop()
            throw error
        }
    }

    /// `busctl` against this bus, returning its standard output.
    @discardableResult
    func busctl(_ arguments: [String]) throws -> String {
        try run("/usr/bin/busctl", ["--address=\(address)"] + arguments)
    }
}
