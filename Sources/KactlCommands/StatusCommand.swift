import ArgumentParser

/// `kactl status`: like `systemctl status`, one screen for the whole node.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show which daemons run and every instance, script and server they serve.",
        discussion: "Exits 3 when none of vrrpd, checkd and ipvsd is running.")

    @OptionGroup var bus: BusOptions

    @Flag(help: "Print a JSON document (sorted keys; properties under their D-Bus names).")
    var json = false

    func run() async throws {
        try await reportingFailures { () throws(KactlFailure) in
            let connection = try await bus.connect()
            defer { connection.close() }
            let snapshot = try await StatusSnapshot.read(on: connection)
            printLine(
                json
                    ? StatusJSON.document(snapshot).pretty
                    : StatusText(snapshot: snapshot, palette: .standardOutput).rendered)
            if !snapshot.daemons.contains(where: \.isRunning) { throw .notRunning(KeepaliveDaemon.allCases) }
        }
    }
}
