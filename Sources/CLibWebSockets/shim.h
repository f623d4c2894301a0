#ifndef HERALD_CLIBWEBSOCKETS_SHIM_H
#define HERALD_CLIBWEBSOCKETS_SHIM_H

#include <libwebsockets.h>

/// Bytes of headroom `lws_write` needs in front of every payload (`LWS_PRE` is a macro Swift cannot import).
static const size_t herald_lws_pre = LWS_PRE;

/// `lws_write` mode that sends bytes as they are (`LWS_WRITE_RAW` is a macro alias Swift cannot import).
static const enum lws_write_protocol herald_lws_write_raw = LWS_WRITE_RAW;

#endif
