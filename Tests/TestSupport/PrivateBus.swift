import DBus
import Foundation

/// A private `dbus-daemon` for one test: system-bus type, a unix socket in a fresh temp
/// directory, EXTERNAL auth and a policy letting anyone own, send and receive (monitoring too).
public final class PrivateBus: Sendable {
    public let directory: String
    public let address: String
    /// The address without the server's guid, so it still works after `restarted()`.
    public var socketAddress: String { "unix:path=\(directory)/bus" }
    private let daemon: ChildProcess

    private init(directory: String, address: String, daemon: ChildProcess) {
        self.directory = directory
        self.address = address
        self.daemon = daemon
    }

    /// Starts a private bus. With no `policyDirectories` anyone may own and send anything; with
    /// them the bus is strict like Debian's system bus (nobody owns a name, method calls are
    /// denied) except for what the `*.conf` files in those directories allow.
    public static func start(policyDirectories: [String] = []) async throws -> PrivateBus {
        let directory = try makeTemporaryDirectory()
        let policy =
            policyDirectories.isEmpty
            ? """
              <policy context="default">
                <allow user="*"/>
                <allow own="*"/>
                <allow send_destination="*" eavesdrop="true"/>
                <allow receive_sender="*"/>
                <allow eavesdrop="true"/>
              </policy>
            """
            : """
              <policy context="default">
                <allow user="*"/>
                <deny own="*"/>
                <deny send_type="method_call"/>
                <allow send_type="signal"/>
                <allow send_requested_reply="true" send_type="method_return"/>
                <allow send_requested_reply="true" send_type="error"/>
                <allow receive_type="method_call"/>
                <allow receive_type="method_return"/>
                <allow receive_type="error"/>
                <allow receive_type="signal"/>
                <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
                <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
                <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
                <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Peer"/>
              </policy>
              <policy user="root">
                <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Monitoring"/>
              </policy>
            """ + policyDirectories.map { "  <includedir>\($0)</includedir>\n" }.joined()
        let config = """
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
             "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <type>system</type>
              <listen>unix:path=\(directory)/bus</listen>
              <auth>EXTERNAL</auth>
            \(policy)
            </busconfig>
            """
        let configPath = directory + "/bus.conf"
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        return try await launch(directory: directory)
    }

    private static func launch(directory: String) async throws -> PrivateBus {
        let daemon = try ChildProcess(
            "/usr/bin/dbus-daemon", ["--config-file=\(directory)/bus.conf", "--print-address=1", "--nofork"])
        guard await daemon.waitForOutput(containing: "\n") else {
            await daemon.terminate()
            throw BusStartError(message: "dbus-daemon printed no address: \(daemon.stderr)")
        }
        let address = daemon.stdout.split(separator: "\n").first.map(String.init) ?? ""
        return PrivateBus(directory: directory, address: address, daemon: daemon)
    }

    /// Kills this dbus-daemon and starts a new one on the same socket, as when the system bus
    /// restarts. Clients must reconnect. The returned bus replaces this one.
    public func restarted() async throws -> PrivateBus {
        await daemon.terminate()
        unlink(directory + "/bus")
        return try await Self.launch(directory: directory)
    }

    /// Kills the daemon and removes its directory.
    public func stop() async {
        await daemon.terminate()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A new Swift connection to this bus.
    public func connect() async throws -> DBusConnection {
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

public struct BusStartError: Error, CustomStringConvertible {
    public init(message: String) { self.message = message }
    public var message: String
    public var description: String { message }
}

/// Runs `body` with a fresh private bus, stopping it on every path.
public func withPrivateBus<T>(_ body: (PrivateBus) async throws -> T) async throws -> T {
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
