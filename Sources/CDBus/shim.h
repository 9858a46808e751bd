#ifndef KEEPALIVE_CDBUS_SHIM_H
#define KEEPALIVE_CDBUS_SHIM_H

#include <dbus/dbus.h>

// Type codes are cast macros (`((int) 's')`) that Swift cannot import; these expose the few
// the wrapper needs by name so the Swift side never spells a type code twice.
static inline int cdbus_type_invalid(void) { return DBUS_TYPE_INVALID; }
static inline int cdbus_type_array(void) { return DBUS_TYPE_ARRAY; }
static inline int cdbus_type_variant(void) { return DBUS_TYPE_VARIANT; }
static inline int cdbus_type_struct(void) { return DBUS_TYPE_STRUCT; }
static inline int cdbus_type_dict_entry(void) { return DBUS_TYPE_DICT_ENTRY; }

#endif
