// The few Linux calls herald-bench needs that Swift's Glibc module leaves out: epoll and memmem.
#ifndef CHERALDBENCHSYS_H
#define CHERALDBENCHSYS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>

// Declared here rather than through _GNU_SOURCE: that macro changes the system headers' types
// and clashes with the modules (Dispatch, Glibc) that include them without it.
extern void *memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);

/// Size of one `struct epoll_event` (packed to 12 bytes on x86_64, 16 elsewhere).
static inline size_t chb_epoll_event_size(void) {
    return sizeof(struct epoll_event);
}

/// `epoll_ctl` with the event built here, so Swift never lays out the packed struct.
static inline int chb_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token) {
    struct epoll_event event;
    memset(&event, 0, sizeof event);
    event.events = events;
    event.data.u64 = token;
    return epoll_ctl(epfd, op, fd, &event);
}

/// `epoll_wait` into an array of `capacity` events allocated with `chb_epoll_event_size()` bytes each.
static inline int chb_epoll_wait(int epfd, void *events, int capacity, int timeout) {
    return epoll_wait(epfd, (struct epoll_event *)events, capacity, timeout);
}

/// The ready flags of event `index` in an array filled by `chb_epoll_wait`.
static inline uint32_t chb_epoll_event_flags(const void *events, int index) {
    return ((const struct epoll_event *)events)[index].events;
}

/// The token of event `index` in an array filled by `chb_epoll_wait`.
static inline uint64_t chb_epoll_event_token(const void *events, int index) {
    return ((const struct epoll_event *)events)[index].data.u64;
}

/// `memmem`: the first occurrence of `needle` in `haystack`, or NULL.
static inline const void *chb_memmem(const void *haystack, size_t haystack_length,
                                     const void *needle, size_t needle_length) {
    return memmem(haystack, haystack_length, needle, needle_length);
}

#endif
