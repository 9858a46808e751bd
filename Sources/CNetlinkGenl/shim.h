// libnl-genl-3 for the Netlink module's GenericNetlink type (and ipvsd's IPVS family later).
#ifndef KEEPALIVE_CNETLINKGENL_SHIM_H
#define KEEPALIVE_CNETLINKGENL_SHIM_H

#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/family.h>
#include <netlink/genl/mngt.h>

#endif
