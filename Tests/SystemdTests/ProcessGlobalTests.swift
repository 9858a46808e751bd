import Testing

/// NOTIFY_SOCKET, WATCHDOG_*, JOURNAL_STREAM, fd 2, the journal socket path and signal
/// dispositions belong to the whole test process: every test touching them lives in a suite
/// nested here, and `.serialized` runs them one at a time.
@Suite(.serialized)
struct ProcessGlobalTests {}
