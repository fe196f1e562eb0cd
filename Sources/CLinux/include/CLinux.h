#ifndef SWARM_IPVS_EXPORTER_CLINUX_H
#define SWARM_IPVS_EXPORTER_CLINUX_H

#include <glob.h>
#include <sys/types.h>

/// setns(2) for a network namespace: joins the calling thread to the namespace behind `fd`.
/// Returns 0 or -1 with errno set.
int clinux_setns_net(int fd);

/// mallopt(M_ARENA_MAX, count): at most `count` malloc arenas. Returns 1 on success.
int clinux_limit_malloc_arenas(int count);

/// malloc_trim(0): hands free heap pages back to the kernel. Returns 1 if memory was released.
int clinux_release_free_heap(void);

/// Names the calling thread (PR_SET_NAME; the kernel keeps 15 bytes), as `top -H` and
/// /proc/PID/task/TID/comm show it. Returns 0 or -1 with errno set.
int clinux_name_thread(const char *name);

// The symbolic name of an errno value ("EMFILE"), or NULL when it has none (glibc 2.32+).
const char *clinux_errno_name(int code);

// The kind of namespace the file at path is (CLONE_NEWNET, …: ioctl NS_GET_NSTYPE), or -errno:
// -ENOTTY for a file that is no namespace at all. Opened non-blocking, so a FIFO cannot hang it.
int clinux_namespace_type(const char *path);

// glob(3) that gives up on a directory it cannot read for any reason but ENOENT/ENOTDIR (such a
// directory simply matches nothing) and says which errno stopped it (0 otherwise).
int clinux_glob(const char *pattern, glob_t *result, int *error);

#endif
