import ArgumentParser
import Logging
import Systemd

/// The whole of a daemon's `main`: logging to the journal or stderr, then `Daemon.run`.
public enum DaemonMain {
    public static func run<Role: DaemonRole>(_ role: Role, options: DaemonOptions, identifier: String) async throws {
        await MainActor.run { DaemonSignals.unblockOnCurrentThread() }
        SystemdLogging.bootstrap(identifier: identifier)
        let logger = Logger(label: identifier)
        let status = await Daemon(role: role, options: options, logger: logger).run()
        if status != 0 { throw ExitCode(status) }
    }
}
