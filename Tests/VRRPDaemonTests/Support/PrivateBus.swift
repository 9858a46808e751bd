import Foundation

/// A private `dbus-daemon` for one test: system-bus type, a unix socket in a fresh directory,
/// EXTERNAL auth and a policy that lets anyone own, send and receive.
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
        let daemon = try ChildProcess(
            "/usr/bin/dbus-daemon", ["--config-file=\(configPath)", "--nofork"], logPath: directory + "/bus.log")
        let bus = PrivateBus(directory: directory, address: "unix:path=\(socket)", daemon: daemon)
        do {
            try await waitUntil("dbus-daemon listens on \(socket)", timeout: .seconds(10)) {
                FileManager.default.fileExists(atPath: socket)
            }
        } catch {
            await bus.stop()
            throw error
        }
        return bus
    }

    func stop() async {
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
