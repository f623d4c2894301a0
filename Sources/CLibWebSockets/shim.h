#ifndef HERALD_CLIBWEBSOCKETS_SHIM_H
#define HERALD_CLIBWEBSOCKETS_SHIM_H

#include <libwebsockets.h>

/// Bytes of headroom `lws_write` needs in front of every payload (`LWS_PRE` is a macro Swift cannot import).
static const size_t herald_lws_pre = LWS_PRE;

/// Logs through libwebsockets' own logger (the `lwsl_*` macros are variadic).
static inline void herald_lwsl(int level, const char *line) {
    _lws_log(level, "%s\n", line);
}

#endif
