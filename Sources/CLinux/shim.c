#include "CLinux.h"

#include <sched.h>
#include <unistd.h>

int clinux_setns_net(int fd) {
    return setns(fd, CLONE_NEWNET);
}

pid_t clinux_gettid(void) {
    return gettid();
}
