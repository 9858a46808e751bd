import Dispatch
import Glibc
import KeepalivedConfig
import Logging
import VRRP

/// An instance's notify scripts (`notify_master`, `notify_backup`, `notify_fault`,
/// `notify_stop`, `notify`), run one at a time in the order the transitions happened, so a
/// slow script never runs beside the next one and never delays adverts.
final class NotifyRunner: Sendable {
    /// One script to run: the program and its arguments.
    struct Job: Sendable {
        var arguments: [String]
    }

    private let jobs: AsyncStream<Job>.Continuation
    private let worker: Task<Void, Never>
    private let fifos: NotifyFIFOs?

    init(logger: Logger, fifos: NotifyFIFOs? = nil) {
        self.fifos = fifos
        let (stream, continuation) = AsyncStream.makeStream(of: Job.self)
        jobs = continuation
        worker = Task {
            for await job in stream {
                let status = await Self.run(job.arguments)
                let line = job.arguments.joined(separator: " ")
                switch status {
                case .success(0): logger.debug("notify script \(line) exited 0")
                case .success(let code): logger.warning("notify script \(line) exited with status \(code)")
                case .failure(let error): logger.error("cannot run notify script \(line): \(error)")
                }
            }
        }
    }

    /// Queues what keepalived runs on a transition to `state`: the state's own script, then
    /// `notify` with `INSTANCE|GROUP name state priority` appended.
    func transition(
        to state: VRRPInstanceState, kind: String, name: String, priority: UInt8, scripts: NotifyScripts
    ) {
        let specific: NotifyCommand? =
            switch state {
            case .master: scripts.master
            case .backup: scripts.backup
            case .fault: scripts.fault
            case .stop: scripts.stop
            case .initialize: nil
            }
        if state != .initialize {
            fifos?.write(kind: kind, name: name, state: state.rawValue, priority: priority)
        }
        if let specific { enqueue(Self.words(specific.command)) }
        if let any = scripts.any, state != .initialize {
            enqueue(Self.words(any.command) + [kind, name, state.rawValue, String(priority)])
        }
    }

    private func enqueue(_ arguments: [String]) {
        guard !arguments.isEmpty else { return }
        jobs.yield(Job(arguments: arguments))
    }

    /// Lets the queued scripts finish (`notify_stop` at shutdown), then stops.
    func finish() async {
        jobs.finish()
        await worker.value
    }

    /// Splits a command line the way keepalived does: on blanks, with single or double quotes
    /// grouping words.
    static func words(_ command: String) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        for character in command {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                inWord = true
            } else if character == " " || character == "\t" {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }

    /// Spawns the program (found on PATH) and waits for it on a dispatch thread, never on the
    /// cooperative pool. Returns its exit status (128 + signal when killed). `quiet` sends its
    /// output to /dev/null, for a probe whose failure is an answer, not news.
    static func run(_ arguments: [String], quiet: Bool = false) async -> Result<Int32, NotifyError> {
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if quiet {
            for fd in [STDOUT_FILENO, STDERR_FILENO] {
                posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_WRONLY, 0)
            }
        }
        let spawned = withCStrings(arguments) { argv in
            posix_spawnp(&pid, argv[0]!, &actions, nil, argv, environ)
        }
        guard spawned == 0 else { return .failure(.spawn(String(cString: strerror(spawned)))) }
        let child = pid
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var status: Int32 = 0
                while waitpid(child, &status, 0) < 0, errno == EINTR {}
                let exited = status & 0x7f == 0
                continuation.resume(returning: .success(exited ? (status >> 8) & 0xff : 128 + (status & 0x7f)))
            }
        }
    }

    private static func withCStrings<R>(
        _ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R
    ) -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { for pointer in pointers { free(pointer) } }
        return body(pointers)
    }
}

enum NotifyError: Error, CustomStringConvertible {
    case spawn(String)

    var description: String {
        switch self {
        case .spawn(let reason): "spawn failed: \(reason)"
        }
    }
}
