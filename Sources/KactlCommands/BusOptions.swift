import ArgumentParser
import DBus
import Foundation

/// `--bus-address`, shared by every command that talks to the daemons.
struct BusOptions: ParsableArguments {
    @Option(
        name: .customLong("bus-address"),
        help: ArgumentHelp(
            "The D-Bus address to use instead of the system bus (e.g. unix:path=/run/dbus/system_bus_socket).",
            valueName: "address"))
    var address: String?

    /// Connects to the chosen bus; a bus that cannot be reached is a failure (exit 1).
    func connect() async throws(KactlFailure) -> DBusConnection {
        do {
            if let address { return try await DBusConnection.connect(address: address) }
            return try await DBusConnection.systemBus()
        } catch {
            throw .busUnavailable("\(error)")
        }
    }
}

/// Why a kactl command failed, with the exit status scripts see.
enum KactlFailure: Error, CustomStringConvertible {
    /// The bus itself could not be reached.
    case busUnavailable(String)
    /// A daemon the command needs does not own its bus name.
    case notRunning([KeepaliveDaemon])
    /// The named object is not served by the daemon.
    case noSuchObject(kind: ItemKind, name: String, known: [String])
    /// The daemon answered with an error.
    case refused(KeepaliveDaemon, DBusError)
    /// Several daemons were asked and some failed; their messages are already printed.
    case someFailed

    var exitCode: ExitCode {
        switch self {
        case .notRunning: ExitCode(3)
        case .refused(_, let error) where Self.meansNotRunning(error): ExitCode(3)
        default: .failure
        }
    }

    var description: String {
        switch self {
        case .busUnavailable(let reason):
            return "cannot connect to the D-Bus bus: \(reason)"
        case .notRunning(let daemons):
            return daemons.map { "\($0.rawValue) is not running (nobody owns \($0.busName))" }
                .joined(separator: "\n")
        case .noSuchObject(let kind, let name, let known):
            let list = known.isEmpty ? "none" : known.joined(separator: ", ")
            return "no \(kind.noun) named \(name); known: \(list)"
        case .refused(let daemon, let error):
            return "\(daemon.rawValue): \(Self.explain(error))"
        case .someFailed:
            return ""
        }
    }

    static func meansNotRunning(_ error: DBusError) -> Bool {
        error.name == DBusError.serviceUnknown || error.name == DBusError.nameHasNoOwner
    }

    /// A daemon's error reply in words a sysadmin can act on.
    static func explain(_ error: DBusError) -> String {
        switch error.name {
        case DBusError.accessDenied:
            "permission denied: \(error.message) (run as root, or authorize through polkit)"
        case DBusError.unknownMethod, DBusError.unknownInterface, DBusError.unknownObject:
            "not supported by this daemon: \(error.message)"
        case _ where meansNotRunning(error):
            "not running: \(error.message)"
        default:
            error.message
        }
    }
}

/// Writes to standard error: every diagnostic goes there so stdout stays parseable.
func printError(_ text: String) {
    guard !text.isEmpty else { return }
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}

/// Writes one whole line to standard output in one `write`, unbuffered, so a pipe sees it at once.
func printLine(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

extension KactlFailure {
    /// Prints the failure and turns it into the process's exit status.
    func exit() -> ExitCode {
        printError(description)
        return exitCode
    }
}

/// Runs a command body, mapping a `KactlFailure` to its message on stderr and its exit code.
func reportingFailures(_ body: () async throws(KactlFailure) -> Void) async throws {
    do {
        try await body()
    } catch {
        throw error.exit()
    }
}
