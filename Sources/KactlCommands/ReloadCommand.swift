import ArgumentParser
import DBus

/// `kactl reload [DAEMON]`: asks the daemons to re-read keepalived.conf, as `systemctl reload` does.
struct ReloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Make every running daemon (or the one named) re-read its configuration.",
        discussion: """
            A file with errors is refused and the daemon keeps its running configuration; the errors \
            are printed. Exits 1 when any daemon refused, 3 when the daemon named (or every daemon) \
            is not running.
            """)

    @OptionGroup var bus: BusOptions

    @Argument(help: "Only this daemon: vrrpd, checkd or ipvsd.")
    var daemon: KeepaliveDaemon?

    func run() async throws {
        try await reportingFailures { () throws(KactlFailure) in
            let connection = try await bus.connect()
            defer { connection.close() }
            let targets = try await runningTargets(on: connection)
            var failed = false
            for target in targets {
                do {
                    _ = try await connection.call(
                        destination: target.busName, path: target.rootPath, interface: target.busName,
                        method: "Reload", allowInteractiveAuthorization: true)
                    let loadedAt = try? await connection.getProperty(
                        destination: target.busName, path: target.rootPath, interface: target.busName,
                        name: "ConfigLoadedAt")
                    let when = loadedAt.map { ValueFormatting.text($0, property: "ConfigLoadedAt") } ?? "now"
                    printLine("\(target.rawValue): OK (configuration loaded \(when))")
                } catch let error as DBusError {
                    failed = true
                    printError(KactlFailure.refused(target, error).description)
                } catch {
                    failed = true
                    printError("\(target.rawValue): \(error)")
                }
            }
            if failed { throw .someFailed }
        }
    }

    /// The named daemon if it runs, or every daemon that runs; neither is a "not running" failure.
    private func runningTargets(on connection: DBusConnection) async throws(KactlFailure) -> [KeepaliveDaemon] {
        var running: [KeepaliveDaemon] = []
        for candidate in daemon.map({ [$0] }) ?? KeepaliveDaemon.allCases {
            let owner: String?
            do {
                owner = try await connection.nameOwner(of: candidate.busName)
            } catch {
                throw .busUnavailable("\(error)")
            }
            if owner != nil { running.append(candidate) }
        }
        guard !running.isEmpty else { throw .notRunning(daemon.map { [$0] } ?? KeepaliveDaemon.allCases) }
        return running
    }
}
