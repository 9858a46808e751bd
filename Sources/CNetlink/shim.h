// libnl-route-3 for the Netlink module, plus the few helpers Swift cannot express:
// setns(2) (hidden behind _GNU_SOURCE in glibc) and a kernel error recorder that keeps the
// kernel's errno and extended-ack text, which libnl would otherwise fold into its own codes.
#ifndef KEEPALIVE_CNETLINK_SHIM_H
#define KEEPALIVE_CNETLINK_SHIM_H

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/handlers.h>
#include <netlink/socket.h>
#include <netlink/cache.h>
#include <netlink/object.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>
#include <netlink/route/link/macvlan.h>

/// Moves the calling thread into the network namespace open at `fd`.
static inline int knl_setns_net(int fd) {
    return (int)syscall(SYS_setns, fd, 0x40000000 /* CLONE_NEWNET */);
}

/// What the kernel said about the last failed request on a socket.
struct knl_error_record {
    int error;           // positive errno from the kernel, 0 if none
    char message[256];   // extended ack text, empty if the kernel gave none
};

static inline int knl_record_error_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg) {
    (void)nla;
    struct knl_error_record *record = (struct knl_error_record *)arg;
    record->error = -e->error;
    record->message[0] = '\0';
    struct nlmsghdr *header = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
#ifdef NLM_F_ACK_TLVS
    if (header->nlmsg_flags & NLM_F_ACK_TLVS) {
        size_t offset = NLMSG_HDRLEN + sizeof(*e);
        if (!(header->nlmsg_flags & NLM_F_CAPPED))
            offset += e->msg.nlmsg_len - NLMSG_HDRLEN;
        offset = NLMSG_ALIGN(offset);
        while (offset + NLA_HDRLEN <= header->nlmsg_len) {
            struct nlattr *attr = (struct nlattr *)((char *)header + offset);
            if (attr->nla_len < NLA_HDRLEN || offset + attr->nla_len > header->nlmsg_len)
                break;
            if ((attr->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
                size_t length = attr->nla_len - NLA_HDRLEN;
                if (length >= sizeof(record->message))
                    length = sizeof(record->message) - 1;
                memcpy(record->message, (char *)attr + NLA_HDRLEN, length);
                record->message[length] = '\0';
                break;
            }
            offset += NLA_ALIGN(attr->nla_len);
        }
    }
#endif
    return NL_STOP;
}

/// Asks the kernel for extended acks and records every error reply into `record`.
static inline int knl_install_error_recorder(struct nl_sock *sk, struct knl_error_record *record) {
    int on = 1;
    int fd = nl_socket_get_fd(sk);
#ifdef NETLINK_EXT_ACK
    setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof(on));
#endif
#ifdef NETLINK_CAP_ACK
    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &on, sizeof(on));
#endif
    return nl_socket_modify_err_cb(sk, NL_CB_CUSTOM, knl_record_error_cb, record);
}

/// The netlink message type (RTM_NEWLINK, ...) of a received message.
static inline int knl_msg_type(struct nl_msg *msg) {
    return nlmsg_hdr(msg)->nlmsg_type;
}

static inline unsigned int knl_iff_up(void) { return IFF_UP; }
static inline unsigned int knl_iff_running(void) { return IFF_RUNNING; }
static inline unsigned int knl_iff_lower_up(void) { return 0x10000; /* IFF_LOWER_UP */ }

#endif
