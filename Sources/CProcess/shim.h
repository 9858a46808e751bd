// Process helpers Swift cannot reach directly: the pidfd_open system call (syscall is variadic)
// glibc's GNU-only pipe2 and posix_spawn close-from action. Used only by the ScriptRunner module.
#ifndef KEEPALIVE_CPROCESS_SHIM_H
#define KEEPALIVE_CPROCESS_SHIM_H

#include <fcntl.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

// Declared by <spawn.h> only under _GNU_SOURCE; glibc has exported it since 2.34.
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *, int);

// Declared by <unistd.h> only under _GNU_SOURCE.
extern int pipe2(int fds[2], int flags);

/// A pipe whose both ends are close-on-exec, created atomically (no leak into a concurrent spawn).
static inline int cprocess_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}

/// A file descriptor that becomes readable when `pid` exits (Linux 5.3+), or -1 with errno set.
static inline int cprocess_pidfd_open(pid_t pid) {
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

/// Adds "close every descriptor >= from" to the spawn's file actions.
static inline int cprocess_spawn_close_from(posix_spawn_file_actions_t *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}

#endif
