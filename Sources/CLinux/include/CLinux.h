#ifndef SWARM_IPVS_EXPORTER_CLINUX_H
#define SWARM_IPVS_EXPORTER_CLINUX_H

#include <sys/types.h>

/// setns(2) for a network namespace: joins the calling thread to the namespace behind `fd`.
/// Returns 0 or -1 with errno set.
int clinux_setns_net(int fd);

/// The kernel's id of the calling thread.
pid_t clinux_gettid(void);

/// mallopt(M_ARENA_MAX, count): at most `count` malloc arenas. Returns 1 on success.
int clinux_limit_malloc_arenas(int count);

/// malloc_trim(0): hands free heap pages back to the kernel. Returns 1 if memory was released.
int clinux_release_free_heap(void);

/// Names the calling thread (PR_SET_NAME; the kernel keeps 15 bytes), as `top -H` and
/// /proc/PID/task/TID/comm show it. Returns 0 or -1 with errno set.
int clinux_name_thread(const char *name);

#endif
