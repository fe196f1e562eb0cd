#include "CLinux.h"

#include <malloc.h>
#include <sched.h>
#include <sys/prctl.h>
#include <unistd.h>

int clinux_setns_net(int fd) {
    return setns(fd, CLONE_NEWNET);
}

pid_t clinux_gettid(void) {
    return gettid();
}

int clinux_limit_malloc_arenas(int count) {
    return mallopt(M_ARENA_MAX, count);
}

int clinux_release_free_heap(void) {
    return malloc_trim(0);
}

int clinux_name_thread(const char *name) {
    return prctl(PR_SET_NAME, name, 0, 0, 0);
}
