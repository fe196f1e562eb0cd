/*
 * no-ipv6.so: an LD_PRELOAD shim that makes the process see a kernel without IPv6 (booted with
 * ipv6.disable=1): every socket(AF_INET6, ...) fails with EAFNOSUPPORT, as it does there. For the
 * test of `--web.listen-address :PORT` falling back to IPv4 (Tests/IntegrationTests/ListenIntegrationTests).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <sys/socket.h>

int socket(int domain, int type, int protocol) {
    static int (*real_socket)(int, int, int);
    if (domain == AF_INET6) {
        errno = EAFNOSUPPORT;
        return -1;
    }
    if (!real_socket) real_socket = (int (*)(int, int, int))dlsym(RTLD_NEXT, "socket");
    return real_socket(domain, type, protocol);
}
