#ifndef HERALD_CLIBWEBSOCKETS_SHIM_H
#define HERALD_CLIBWEBSOCKETS_SHIM_H

#include <libwebsockets.h>
#include <ev.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

/// Bytes of headroom `lws_write` needs in front of every payload (`LWS_PRE` is a macro Swift cannot import).
static const size_t herald_lws_pre = LWS_PRE;

/// `lws_write` mode that sends bytes as they are (`LWS_WRITE_RAW` is a macro alias Swift cannot import).
static const enum lws_write_protocol herald_lws_write_raw = LWS_WRITE_RAW;

/// Milliseconds since the kernel last received data on a TCP socket (any WebSocket frame,
/// control frames included), or -1 when it cannot tell.
static inline long herald_ms_since_last_receive(int fd) {
    struct tcp_info info;
    socklen_t length = sizeof(info);
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return -1;
    return (long)info.tcpi_last_data_recv;
}

/// Caps a socket's kernel send buffer (the kernel doubles the value for its own bookkeeping).
static inline void herald_set_send_buffer(int fd, int bytes) {
    if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof(bytes));
}

/// Makes the kernel abort a TCP connection when it is closed (`SO_LINGER` {1, 0}: RST, buffers
/// freed at once, no FIN-WAIT), then shuts it down so libwebsockets' next read sees the end of the
/// stream and closes it.
static inline void herald_abort_socket(int fd) {
    if (fd < 0) return;
    struct linger abort_on_close = { 1, 0 };
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof(abort_on_close));
    shutdown(fd, SHUT_RDWR);
}

/// Copies the first subprotocol a WebSocket client offers (`Sec-WebSocket-Protocol`), tokenized
/// exactly as libwebsockets does when it selects a protocol, into `name`. Returns 0 on success, -1
/// when the header is absent, malformed or the name does not fit.
static inline int herald_first_offered_protocol(struct lws *wsi, char *name, size_t max) {
    char list[128];
    struct lws_tokenize ts;
    int length = lws_hdr_copy(wsi, list, sizeof(list) - 1, WSI_TOKEN_PROTOCOL);
    if (length <= 0) return -1;
    lws_tokenize_init(&ts, list, LWS_TOKENIZE_F_COMMA_SEP_LIST | LWS_TOKENIZE_F_MINUS_NONTERM |
                                 LWS_TOKENIZE_F_DOT_NONTERM | LWS_TOKENIZE_F_RFC7230_DELIMS);
    ts.len = (size_t)length;
    lws_tokenize_elem element;
    do {
        element = lws_tokenize(&ts);
        if (element == LWS_TOKZE_TOKEN) return lws_tokenize_cstr(&ts, name, max) ? -1 : 0;
    } while (element == LWS_TOKZE_DELIMITER);
    return -1;
}

/// Starts a repeating libev timer (`ev_timer_init` is a macro).
static inline void herald_start_repeating_timer(struct ev_loop *loop, ev_timer *timer, double seconds,
                                                void (*callback)(struct ev_loop *, ev_timer *, int)) {
    ev_timer_init(timer, callback, seconds, seconds);
    ev_timer_start(loop, timer);
}

/// Starts a libev prepare watcher, run just before the loop blocks (`ev_prepare_init` is a macro).
static inline void herald_start_prepare(struct ev_loop *loop, ev_prepare *watcher,
                                        void (*callback)(struct ev_loop *, ev_prepare *, int)) {
    ev_prepare_init(watcher, callback);
    ev_prepare_start(loop, watcher);
}

/// Stops a libev prepare watcher.
static inline void herald_stop_prepare(struct ev_loop *loop, ev_prepare *watcher) {
    ev_prepare_stop(loop, watcher);
}

/// Stops a libev timer (`ev_timer_stop` takes the loop through a macro-friendly signature).
static inline void herald_stop_timer(struct ev_loop *loop, ev_timer *timer) {
    ev_timer_stop(loop, timer);
}

/// Breaks every `ev_run` of `loop` once `seconds` have passed (`ev_timer_init` is a macro).
static void herald_break_loop(struct ev_loop *loop, ev_timer *timer, int revents) {
    (void)timer; (void)revents;
    ev_break(loop, EVBREAK_ALL);
}

static inline void herald_break_loop_after(struct ev_loop *loop, ev_timer *timer, double seconds) {
    ev_timer_init(timer, herald_break_loop, seconds, 0.);
    ev_timer_start(loop, timer);
}

/// Opens a non-blocking TCP socket listening on `host:port`, one that other processes may listen
/// on too (`SO_REUSEPORT`) when `shared` is non-zero; returns the descriptor, or -1 with `errno` set.
static inline int herald_listen(const char *host, int port, int backlog, int shared) {
    struct addrinfo hints = {0}, *found = NULL;
    char service[8];
    int one = 1, fd, saved;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    snprintf(service, sizeof(service), "%d", port);
    if (getaddrinfo(host, service, &hints, &found) != 0 || found == NULL) {
        errno = EADDRNOTAVAIL;
        return -1;
    }
    fd = socket(found->ai_family, found->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, found->ai_protocol);
    if (fd >= 0 && (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0
                    || (shared && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0)
                    || bind(fd, found->ai_addr, found->ai_addrlen) != 0 || listen(fd, backlog) != 0)) {
        saved = errno;
        close(fd);
        errno = saved;
        fd = -1;
    }
    freeaddrinfo(found);
    return fd;
}

/// The local port a socket is bound to, or -1.
static inline int herald_local_port(int fd) {
    struct sockaddr_storage address;
    socklen_t length = sizeof(address);
    if (getsockname(fd, (struct sockaddr *)&address, &length) != 0) return -1;
    if (address.ss_family == AF_INET) return ntohs(((struct sockaddr_in *)&address)->sin_port);
    if (address.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&address)->sin6_port);
    return -1;
}

/// Accepts one pending connection, non-blocking, close-on-exec and without Nagle's delay (as
/// libwebsockets' own listener sets it); -1 when none is pending.
static inline int herald_accept_connection(int listener) {
    int one = 1;
    int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

/// Starts a libev watcher for a readable descriptor (`ev_io_init` is a macro).
static inline void herald_start_reader(struct ev_loop *loop, ev_io *watcher, int fd,
                                       void (*callback)(struct ev_loop *, ev_io *, int)) {
    ev_io_init(watcher, callback, fd, EV_READ);
    ev_io_start(loop, watcher);
}

/// Stops a libev descriptor watcher.
static inline void herald_stop_reader(struct ev_loop *loop, ev_io *watcher) {
    ev_io_stop(loop, watcher);
}

#endif
