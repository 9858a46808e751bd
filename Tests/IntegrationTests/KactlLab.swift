import DBus
import Foundation
import KeepaliveTestSupport

/// A private bus with real vrrpd and checkd on it (in a namespace of their own) for kactl to talk
/// to; ipvsd is left out so kactl has a daemon that is down.
struct KactlLab {
    let bus: PrivateBus
    let namespace: TestNamespace
    let directory: String
    let config: String
    let client: DBusConnection
    let daemons: [String: DaemonUnderTest]

    /// Starts the lab, runs `body`, and tears everything down on every path.
    static func with(
        daemons names: [String] = ["vrrpd", "checkd"], _ body: (KactlLab) async throws -> Void
    ) async throws {
        let bus = try await PrivateBus.start()
        let namespace = try await TestNamespace.create("kactl")
        let directory = try Repository.temporaryDirectory("kactl")
        var started: [String: DaemonUnderTest] = [:]
        func tearDown() async {
            for daemon in started.values { await daemon.process.terminate() }
            await namespace.delete()
            await bus.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
        do {
            let config = try writeConfig(sampleConfig, in: directory)
            let client = try await bus.connect()
            defer { client.close() }
            for name in names {
                let daemon = try DaemonUnderTest.start(name, config: config, bus: bus, in: namespace)
                started[name] = daemon
                try await daemon.waitForName(on: client)
            }
            try await body(
                KactlLab(
                    bus: bus, namespace: namespace, directory: directory, config: config, client: client,
                    daemons: started))
        } catch {
            await tearDown()
            throw error
        }
        await tearDown()
    }

    /// Runs the real kactl against this lab's bus; a hung kactl is killed after a minute.
    func kactl(_ arguments: [String]) async throws -> CommandResult {
        try await runKactl(arguments + ["--bus-address", bus.address])
    }

    /// Replaces the configuration file (the daemons read it on reload).
    func writeConfiguration(_ text: String) throws {
        _ = try writeConfig(text, in: directory)
    }

    func configLoadedAt(_ daemon: String) async throws -> UInt64? {
        try await daemons[daemon]?.property("ConfigLoadedAt", on: client).uint64Value
    }
}

/// Runs the built kactl with `arguments`, without colours.
func runKactl(_ arguments: [String]) async throws -> CommandResult {
    try await ChildProcess(try Repository.binary("kactl"), arguments, environment: ["NO_COLOR": "1"])
        .wait(seconds: 60)
}
