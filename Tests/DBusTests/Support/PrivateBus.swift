import DBus
import Foundation

/// A private `dbus-daemon` for one test: system-bus type, a unix socket in a fresh temp
/// directory, EXTERNAL auth and a policy letting anyone own, send and receive (monitoring too).
final class PrivateBus: Sendable {
    let directory: String
    let address: String
    private let daemon: ChildProcess

    private init(directory: String, address: String, daemon: ChildProcess) {
        self.directory = directory
        self.address = address
        self.daemon = daemon
    }

    static func start() async throws -> PrivateBus {
        let directory = try makeTemporaryDirectory()
        let config = """
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
             "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <type>system</type>
              <listen>unix:path=\(directory)/bus</listen>
              <auth>EXTERNAL</auth>
              <policy context="default">
                <allow user="*"/>
                <allow own="*"/>
                <allow send_destination="*" eavesdrop="true"/>
                <allow receive_sender="*"/>
                <allow eavesdrop="true"/>
              </policy>
            </busconfig>
            """
        let configPath = directory + "/bus.conf"
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let daemon = try ChildProcess(
            "/usr/bin/dbus-daemon", ["--config-file=\(configPath)", "--print-address=1", "--nofork"])
        guard await daemon.waitForOutput(containing: "\n") else {
            await daemon.terminate()
            throw BusStartError(message: "dbus-daemon printed no address: \(daemon.stderr)")
        }
        let address = daemon.stdout.split(separator: "\n").first.map(String.init) ?? ""
        return PrivateBus(directory: directory, address: address, daemon: daemon)
    }

    /// Kills the daemon and removes its directory.
    func stop() async {
        await daemon.terminate()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A new Swift connection to this bus.
    func connect() async throws -> DBusConnection {
        try await DBusConnection.connect(address: address)
    }

    private static func makeTemporaryDirectory() throws -> String {
        var template = Array("/tmp/keepalive-dbus-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw BusStartError(message: "mkdtemp failed") }
        let path = String(cString: made)
        // Readable by others so tests can connect as an unprivileged user.
        chmod(path, 0o755)
        return path
    }
}

struct BusStartError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Runs `body` with a fresh private bus, stopping it on every path.
func withPrivateBus<T>(_ body: (PrivateBus) async throws -> T) async throws -> T {
    let bus = try await PrivateBus.start()
    do {
        let result = try await body(bus)
        await bus.stop()
        return result
    } catch {
        await bus.stop()
        throw error
    }
}
