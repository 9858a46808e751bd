// libnl-genl-3 for the Netlink module's GenericNetlink type and the IPVS module.
#ifndef KEEPALIVE_CNETLINKGENL_SHIM_H
#define KEEPALIVE_CNETLINKGENL_SHIM_H

#include <netlink/netlink.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/family.h>
#include <netlink/genl/mngt.h>
#include <linux/ip_vs.h>

// IPVS_*_ATTR_MAX are cast macros Swift cannot import; NLM_F_DUMP is a composed macro.
enum {
    KIPVS_CMD_ATTR_MAX = __IPVS_CMD_ATTR_MAX - 1,
    KIPVS_SVC_ATTR_MAX = __IPVS_SVC_ATTR_MAX - 1,
    KIPVS_DEST_ATTR_MAX = __IPVS_DEST_ATTR_MAX - 1,
    KIPVS_STATS_ATTR_MAX = __IPVS_STATS_ATTR_MAX - 1,
    KIPVS_INFO_ATTR_MAX = __IPVS_INFO_ATTR_MAX - 1,
    KNL_F_DUMP = NLM_F_DUMP,
    KNL_NLMSG_HDRLEN = NLMSG_HDRLEN,
    KNL_GENL_HDRLEN = GENL_HDRLEN,
};

/// Where a request's end (ACK, DONE or an error) is recorded by the callbacks below.
struct knl_genl_reply {
    int done;
    int kernel_errno;
};

static inline int knl_genl_finished(struct nl_msg *message, void *arg) {
    (void)message;
    ((struct knl_genl_reply *)arg)->done = 1;
    return NL_STOP;
}

static inline int knl_genl_failed(struct sockaddr_nl *peer, struct nlmsgerr *error, void *arg) {
    (void)peer;
    struct knl_genl_reply *reply = arg;
    reply->kernel_errno = -error->error;
    reply->done = 1;
    return NL_STOP;
}

/// Sends `message` (always freed) and reads replies until the kernel's ACK, DONE or error,
/// handing each data message to `valid(message, arg)`. Returns 0 or a negative libnl error;
/// `*kernel_errno` is the errno the kernel answered with (0 when none).
static inline int knl_genl_transact(struct nl_sock *socket, struct nl_msg *message, nl_recvmsg_msg_cb_t valid,
                                    void *arg, int *kernel_errno) {
    struct knl_genl_reply reply = {0, 0};
    *kernel_errno = 0;
    struct nl_cb *callbacks = nl_cb_alloc(NL_CB_DEFAULT);
    if (!callbacks) {
        nlmsg_free(message);
        return -NLE_NOMEM;
    }
    if (valid) nl_cb_set(callbacks, NL_CB_VALID, NL_CB_CUSTOM, valid, arg);
    nl_cb_set(callbacks, NL_CB_FINISH, NL_CB_CUSTOM, knl_genl_finished, &reply);
    nl_cb_set(callbacks, NL_CB_ACK, NL_CB_CUSTOM, knl_genl_finished, &reply);
    nl_cb_err(callbacks, NL_CB_CUSTOM, knl_genl_failed, &reply);
    int result = nl_send_auto(socket, message);
    nlmsg_free(message);
    while (result >= 0 && !reply.done) result = nl_recvmsgs(socket, callbacks);
    nl_cb_put(callbacks);
    *kernel_errno = reply.kernel_errno;
    if (reply.kernel_errno) return -nl_syserr2nlerr(reply.kernel_errno);
    return result < 0 ? result : 0;
}

#endif
