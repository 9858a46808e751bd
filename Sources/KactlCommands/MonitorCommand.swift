import ArgumentParser
import DBus
import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// `kactl monitor`: every state change of every daemon, live, one line each, until Ctrl-C.
struct MonitorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Follow the daemons' signals live: state changes, property changes, daemons up and down.",
        discussion: "Runs until interrupted (SIGINT or SIGTERM end it with status 0).")

    @OptionGroup var bus: BusOptions

    @Flag(help: "Print one JSON object per line.")
    var json = false

    @Flag(help: "Also show what changes with every advert or run: vrrpd's Stats, checkd's LastRun, ipvsd's LastSync.")
    var stats = false

    private enum Ending: Sendable { case interrupted, disconnected }

    func run() async throws {
        let stop = await StopSignals()
        try await reportingFailures { () throws(KactlFailure) in
            let connection = try await bus.connect()
            defer { connection.close() }
            let (json, stats) = (self.json, self.stats)
            // Every subscription is active before the first line, so no event after it is lost.
            var signals: [(KeepaliveDaemon, DBusSignalStream<DBusSignal>)] = []
            var owners: [(KeepaliveDaemon, DBusSignalStream<DBusNameOwnerChange>)] = []
            do {
                for daemon in KeepaliveDaemon.allCases {
                    let rule = DBusMatchRule(sender: daemon.busName, pathNamespace: KeepaliveDaemon.pathNamespace)
                    signals.append((daemon, try await connection.signals(matching: rule)))
                    owners.append((daemon, try await connection.nameOwnerChanges(of: daemon.busName)))
                }
            } catch {
                throw .busUnavailable("cannot subscribe to the daemons' signals: \(error)")
            }
            var following: [String] = []
            for daemon in KeepaliveDaemon.allCases {
                let running = ((try? await connection.nameOwner(of: daemon.busName)) ?? nil) != nil
                following.append("\(daemon.rawValue) (\(running ? "running" : "not running"))")
            }
            printError("Following \(following.joined(separator: ", ")); Ctrl-C to stop.")
            let ending = await withTaskGroup(of: Ending.self) { group in
                for (daemon, stream) in signals {
                    group.addTask {
                        // A lost bus ends the stream by throwing: reported below as `.disconnected`.
                        do {
                            for try await signal in stream {
                                let event = MonitorEvent(signal, daemon: daemon)
                                if let shown = stats ? event : event.withoutCounters() { Self.emit(shown, json: json) }
                            }
                        } catch {}
                        return .disconnected
                    }
                }
                for (daemon, stream) in owners {
                    group.addTask {
                        do {
                            for try await change in stream {
                                Self.emit(MonitorEvent(change, daemon: daemon), json: json)
                            }
                        } catch {}
                        return .disconnected
                    }
                }
                group.addTask {
                    await stop.wait()
                    return .interrupted
                }
                let first = await group.next() ?? .interrupted
                group.cancelAll()
                return first
            }
            if ending == .disconnected { throw .busUnavailable("the connection to the bus was lost") }
        }
    }

    private static func emit(_ event: MonitorEvent, json: Bool) {
        printLine(json ? event.json.encoded : event.text)
    }
}

/// SIGINT and SIGTERM as an awaitable event, so Ctrl-C ends `monitor` cleanly with status 0.
///
/// `@unchecked Sendable`: the dispatch sources are set up in `init` and never touched again;
/// they are only kept here so that they live as long as the process needs them.
final class StopSignals: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]
    private let stream: AsyncStream<Int32>

    /// Installs the handlers, then unblocks the signals on the main thread: a process started by
    /// a thread that blocked them (a test runner, a dispatch worker) inherits that mask.
    init() async {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        self.stream = stream
        let queue = DispatchQueue(label: "kactl.signals")
        sources = [SIGINT, SIGTERM].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
        await MainActor.run { Self.unblockOnCurrentThread() }
    }

    /// Returns once SIGINT or SIGTERM arrived, or the task is cancelled.
    func wait() async {
        for await _ in stream { return }
    }

    private static func unblockOnCurrentThread() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }
}
