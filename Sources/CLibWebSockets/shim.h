#ifndef HERALD_CLIBWEBSOCKETS_SHIM_H
#define HERALD_CLIBWEBSOCKETS_SHIM_H

#include <libwebsockets.h>
#include <ev.h>

/// Bytes of headroom `lws_write` needs in front of every payload (`LWS_PRE` is a macro Swift cannot import).
static const size_t herald_lws_pre = LWS_PRE;

/// `lws_write` mode that sends bytes as they are (`LWS_WRITE_RAW` is a macro alias Swift cannot import).
static const enum lws_write_protocol herald_lws_write_raw = LWS_WRITE_RAW;

/// Breaks every `ev_run` of `loop` once `seconds` have passed (`ev_timer_init` is a macro).
static void herald_break_loop(struct ev_loop *loop, ev_timer *timer, int revents) {
    (void)timer; (void)revents;
    ev_break(loop, EVBREAK_ALL);
}

static inline void herald_break_loop_after(struct ev_loop *loop, ev_timer *timer, double seconds) {
    ev_timer_init(timer, herald_break_loop, seconds, 0.);
    ev_timer_start(loop, timer);
}

#endif
