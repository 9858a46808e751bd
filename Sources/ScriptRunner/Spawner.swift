import CProcess

#if canImport(Glibc)
    import Glibc
#endif

/// The posix_spawn call and everything it needs: argv/envp as C strings, file actions for the
/// standard descriptors, and attributes for the signal mask, dispositions and process group.
enum Spawner {
    struct Spawned {
        var pid: Int32
        /// The read end of the output pipe (non-blocking), or -1 when output is discarded.
        var outputFD: Int32
    }

    static func spawn(_ invocation: ScriptInvocation) throws(ScriptSpawnError) -> Spawned {
        let environment = ScriptEnvironment.entries(invocation.environment)
        let program = try resolve(invocation.command.program, environment: invocation.environment)
        var executable = program
        var argv = [program] + invocation.command.arguments
        if let credentials = invocation.credentials, credentials.uid != geteuid() || credentials.gid != getegid() {
            executable = ScriptEnvironment.setprivPath
            argv = setprivArguments(credentials) + argv
        }

        var readEnd: Int32 = -1
        var writeEnd: Int32 = -1
        if case .capture = invocation.output {
            var fds: [Int32] = [-1, -1]
            guard cprocess_pipe_cloexec(&fds) == 0 else { throw failure("cannot create output pipe") }
            (readEnd, writeEnd) = (fds[0], fds[1])
            // Only our end is non-blocking: the script's writes block normally when the pipe is full.
            _ = fcntl(readEnd, F_SETFL, O_NONBLOCK)
        }
        defer { if writeEnd >= 0 { close(writeEnd) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if writeEnd >= 0 {
            posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
            posix_spawn_file_actions_adddup2(&actions, writeEnd, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        cprocess_spawn_close_from(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        var everySignal = sigset_t()
        sigfillset(&everySignal)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        posix_spawnattr_setpgroup(&attributes, 0)
        let flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP
        posix_spawnattr_setflags(&attributes, Int16(flags))

        var pid: Int32 = 0
        var code: Int32 = 0
        // ETXTBSY: a script just written is still open for writing in a child another thread
        // forked before that file was closed; it goes away as soon as that child execs.
        for attempt in 0..<5 {
            if attempt > 0 { usleep(UInt32(2_000 << attempt)) }
            code = withCStrings(argv) { cArgv in
                withCStrings(environment) { cEnv in
                    posix_spawn(&pid, executable, &actions, &attributes, cArgv, cEnv)
                }
            }
            if code != ETXTBSY { break }
        }
        guard code == 0 else {
            if readEnd >= 0 { close(readEnd) }
            let through = executable == program ? "" : " through \(executable)"
            throw ScriptSpawnError(
                errno: code, message: "cannot run \(program)\(through): \(ScriptRefusal.errnoText(code))")
        }
        return Spawned(pid: pid, outputFD: readEnd)
    }

    /// `setpriv --reuid=U --regid=G --init-groups --`: the user's supplementary groups come from
    /// the group database (`--clear-groups` when the uid has no name).
    static func setprivArguments(_ credentials: ScriptCredentials) -> [String] {
        let groups = credentials.userName == nil ? "--clear-groups" : "--init-groups"
        return [
            ScriptEnvironment.setprivPath, "--reuid=\(credentials.uid)", "--regid=\(credentials.gid)", groups, "--",
        ]
    }

    /// An absolute program must exist (checked here so a run through setpriv reports ENOENT as a
    /// spawn failure too); a bare name is looked up in the script's PATH, not ours.
    private static func resolve(_ program: String, environment: [String: String]) throws(ScriptSpawnError) -> String {
        if program.contains("/") {
            guard access(program, F_OK) == 0 else { throw failure("cannot run \(program)") }
            return program
        }
        let path = environment["PATH"] ?? ScriptEnvironment.defaultPath
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(program)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        throw ScriptSpawnError(errno: ENOENT, message: "cannot run \(program): not found in PATH \(path)")
    }

    private static func failure(_ what: String) -> ScriptSpawnError {
        let code = errno
        return ScriptSpawnError(errno: code, message: "\(what): \(ScriptRefusal.errnoText(code))")
    }

    /// Calls `body` with a NULL-terminated `char *[]` built from `strings`.
    private static func withCStrings<R>(
        _ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R
    ) -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { for pointer in pointers { free(pointer) } }
        return body(pointers)
    }
}
