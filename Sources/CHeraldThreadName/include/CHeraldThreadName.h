#ifndef HERALD_THREAD_NAME_H
#define HERALD_THREAD_NAME_H

/// Names the calling thread (`top -H`, `perf`, `/proc/<pid>/task/<tid>/comm`): the kernel keeps
/// the first 15 bytes. Glibc declares `pthread_setname_np` only under `_GNU_SOURCE`, which
/// Swift's Glibc module does not define.
void herald_name_this_thread(const char *name);

#endif
