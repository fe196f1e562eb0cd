/*
 * netlink-fault.so: an LD_PRELOAD shim that damages what the kernel answers on netlink sockets,
 * for the fault tests of the real exporter binary (Tests/IntegrationTests/FaultIntegrationTests).
 *
 *   NETLINK_FAULT=MODE          truncate | garbage | timeout
 *   NETLINK_FAULT_PROTOCOL=N    only sockets of this netlink protocol (0 route, 12 netfilter,
 *                               16 generic); every netlink socket when unset
 *
 * truncate: a datagram comes back with only half its bytes (at least one), as if cut short;
 * garbage:  every byte after the first message header becomes 0xFF (the header stays, so the
 *           reply still matches its request and reaches the parsers);
 * timeout:  the read fails with EAGAIN, as a socket's receive timeout does.
 *
 * Only the read that delivers data is damaged: libnl first peeks (MSG_PEEK) to learn a datagram's
 * size, and the peek is left alone so libnl sizes its buffer as usual. Other sockets (TCP, unix)
 * are untouched.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

static ssize_t (*real_recvmsg)(int, struct msghdr *, int);

static int netlink_protocol(int fd) {
    struct sockaddr_storage address;
    socklen_t length = sizeof address;
    if (getsockname(fd, (struct sockaddr *)&address, &length) != 0 || address.ss_family != AF_NETLINK) return -1;
    int protocol = -1;
    socklen_t size = sizeof protocol;
    if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &size) != 0) return -1;
    return protocol;
}

static int targeted(int fd) {
    const char *mode = getenv("NETLINK_FAULT");
    if (mode == NULL || *mode == 0) return 0;
    int protocol = netlink_protocol(fd);
    if (protocol < 0) return 0;
    const char *wanted = getenv("NETLINK_FAULT_PROTOCOL");
    return wanted == NULL || *wanted == 0 || atoi(wanted) == protocol;
}

ssize_t recvmsg(int fd, struct msghdr *message, int flags) {
    if (real_recvmsg == NULL) real_recvmsg = (ssize_t (*)(int, struct msghdr *, int))dlsym(RTLD_NEXT, "recvmsg");
    if ((flags & MSG_PEEK) || !targeted(fd)) return real_recvmsg(fd, message, flags);
    const char *mode = getenv("NETLINK_FAULT");
    if (strcmp(mode, "timeout") == 0) {
        /* Consume the datagram so the socket's state moves on, then report a timeout. */
        ssize_t discarded = real_recvmsg(fd, message, flags);
        (void)discarded;
        errno = EAGAIN;
        return -1;
    }
    ssize_t count = real_recvmsg(fd, message, flags);
    if (count <= 0 || message->msg_iovlen < 1 || message->msg_iov[0].iov_len < (size_t)count) return count;
    unsigned char *bytes = message->msg_iov[0].iov_base;
    if (strcmp(mode, "truncate") == 0) return count > 1 ? count / 2 : count;
    if (strcmp(mode, "garbage") == 0 && count > (ssize_t)sizeof(struct nlmsghdr)) {
        memset(bytes + sizeof(struct nlmsghdr), 0xFF, (size_t)count - sizeof(struct nlmsghdr));
    }
    return count;
}
