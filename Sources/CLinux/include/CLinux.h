#ifndef SWARM_IPVS_EXPORTER_CLINUX_H
#define SWARM_IPVS_EXPORTER_CLINUX_H

#include <sys/types.h>

/// setns(2) for a network namespace: joins the calling thread to the namespace behind `fd`.
/// Returns 0 or -1 with errno set.
int clinux_setns_net(int fd);

/// The kernel's id of the calling thread.
pid_t clinux_gettid(void);

#endif
