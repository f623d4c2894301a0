#ifndef HERALD_CHIREDIS_SHIM_H
#define HERALD_CHIREDIS_SHIM_H

#include <ev.h>
#include <hiredis/hiredis.h>
#include <hiredis/async.h>
#include <hiredis/adapters/libev.h>

/// Reply types (`REDIS_REPLY_*` are macros of `read.h`, imported here as plain constants).
static const int herald_redis_reply_string = REDIS_REPLY_STRING;
static const int herald_redis_reply_array = REDIS_REPLY_ARRAY;
static const int herald_redis_reply_integer = REDIS_REPLY_INTEGER;
static const int herald_redis_reply_nil = REDIS_REPLY_NIL;
static const int herald_redis_reply_status = REDIS_REPLY_STATUS;
static const int herald_redis_reply_error = REDIS_REPLY_ERROR;
static const int herald_redis_ok = REDIS_OK;

/// Attaches an async context to a libev loop (the adapter's `redisLibevAttach` is a static function
/// of the header, and its signature depends on `EV_MULTIPLICITY`).
static inline int herald_redis_attach(struct ev_loop *loop, redisAsyncContext *context) {
    return redisLibevAttach(loop, context);
}

/// The context's last error text (`errstr` is a fixed-size array, awkward from Swift).
static inline const char *herald_redis_error_text(const redisAsyncContext *context) {
    return context->errstr;
}

/// Starts a libev timer (`ev_timer_init` is a macro); `repeat` 0 fires once.
static inline void herald_redis_start_timer(struct ev_loop *loop, ev_timer *timer, double after, double repeat,
                                            void (*callback)(struct ev_loop *, ev_timer *, int), void *data) {
    ev_timer_init(timer, callback, after, repeat);
    timer->data = data;
    ev_timer_start(loop, timer);
}

/// Stops a libev timer (a no-op when it is not running).
static inline void herald_redis_stop_timer(struct ev_loop *loop, ev_timer *timer) {
    ev_timer_stop(loop, timer);
}

/// The `data` pointer of a timer.
static inline void *herald_redis_timer_data(const ev_timer *timer) {
    return timer->data;
}

#endif
