// The C surface of libsystemd the Systemd module uses. Nothing outside Sources/Systemd imports this.
#ifndef KEEPALIVE_CSYSTEMD_SHIM_H
#define KEEPALIVE_CSYSTEMD_SHIM_H

// The Swift wrapper adds CODE_FILE/CODE_LINE/CODE_FUNC itself, from the Swift call site.
#define SD_JOURNAL_SUPPRESS_LOCATION 1

#include <signal.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>

/// How the process currently reacts to `signo`: 0 default action, 1 ignored, 2 a handler runs,
/// -1 when sigaction fails. `SIG_DFL`/`SIG_IGN` are cast macros Swift cannot import.
static inline int keepalive_signal_disposition(int signo) {
    struct sigaction current;
    if (sigaction(signo, NULL, &current) != 0) {
        return -1;
    }
    if (current.sa_handler == SIG_DFL) {
        return 0;
    }
    if (current.sa_handler == SIG_IGN) {
        return 1;
    }
    return 2;
}

#endif
