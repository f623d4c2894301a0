#define _GNU_SOURCE
#include <pthread.h>
#include <string.h>

#include "CHeraldThreadName.h"

void herald_name_this_thread(const char *name) {
    char kept[16];
    strncpy(kept, name, sizeof kept - 1);
    kept[sizeof kept - 1] = '\0';
    pthread_setname_np(pthread_self(), kept);
}
