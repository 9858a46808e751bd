// Linux socket bits the Glibc module lacks (packet sockets, ARP, ip_mreqn, IP_PKTINFO, setns, epoll),
// and static inline wrappers for the cmsg macros Swift cannot import. glibc headers only:
// <linux/if_arp.h> and friends clash with Glibc's sockaddr_ll (see PLATFORM-NOTES).
#ifndef KEEPALIVE_CLINUX_SHIM_H
#define KEEPALIVE_CLINUX_SHIM_H

// No _GNU_SOURCE here: it changes glibc's struct definitions (fd_set, sockaddr arguments) and
// Swift then refuses the module beside Glibc and Dispatch. GNU-only calls go through syscall().
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <unistd.h>

// prctl is variadic: names the calling thread (at most 15 bytes are kept).
static inline int clinux_set_thread_name(const char *name) {
    return prctl(PR_SET_NAME, (unsigned long)name, 0UL, 0UL, 0UL);
}

static inline struct cmsghdr *clinux_cmsg_firsthdr(struct msghdr *message) {
    return CMSG_FIRSTHDR(message);
}

static inline struct cmsghdr *clinux_cmsg_nxthdr(struct msghdr *message, struct cmsghdr *header) {
    return CMSG_NXTHDR(message, header);
}

static inline unsigned char *clinux_cmsg_data(struct cmsghdr *header) {
    return CMSG_DATA(header);
}

static inline size_t clinux_cmsg_space(size_t length) {
    return CMSG_SPACE(length);
}

static inline size_t clinux_cmsg_len(size_t length) {
    return CMSG_LEN(length);
}

/// setns(2) into a network namespace (CLONE_NEWNET, 0x40000000); glibc declares setns only
/// under _GNU_SOURCE.
static inline int clinux_setns_net(int fd) {
    return (int)syscall(SYS_setns, fd, 0x40000000);
}

/// open(2) read-only and close-on-exec; open itself is variadic and not importable.
static inline int clinux_open_readonly(const char *path) {
    return open(path, O_RDONLY | O_CLOEXEC);
}

/// The current thread's errno text, without strerror_r's GNU/XSI ambiguity.
static inline const char *clinux_strerror(int code) {
    return strerror(code);
}

/// IPv6 packet info (`IPV6_PKTINFO`): glibc declares `struct in6_pktinfo` only under
/// _GNU_SOURCE, so the same layout (RFC 3542 §6.1) under our own name.
struct clinux_in6_pktinfo {
    struct in6_addr ipi6_addr;
    unsigned int ipi6_ifindex;
};

#endif
