#include "CLinux.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <linux/nsfs.h>
#include <malloc.h>
#include <sys/ioctl.h>
#include <string.h>
#include <sched.h>
#include <sys/prctl.h>
#include <unistd.h>

int clinux_setns_net(int fd) {
    return setns(fd, CLONE_NEWNET);
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

const char *clinux_errno_name(int code) {
    return strerrorname_np(code);
}

int clinux_namespace_type(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) return -errno;
    int type = ioctl(fd, NS_GET_NSTYPE);
    int error = errno;
    close(fd);
    return type < 0 ? -error : type;
}

static __thread int clinux_glob_errno;

static int clinux_glob_error(const char *path, int error) {
    (void)path;
    if (error == ENOENT || error == ENOTDIR) return 0;
    clinux_glob_errno = error;
    return 1;
}

int clinux_glob(const char *pattern, glob_t *result, int *error) {
    clinux_glob_errno = 0;
    int status = glob(pattern, 0, clinux_glob_error, result);
    *error = clinux_glob_errno;
    return status;
}
