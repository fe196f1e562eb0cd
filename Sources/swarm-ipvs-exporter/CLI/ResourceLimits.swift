import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Every namespace keeps a few sockets and files open; on a node with hundreds of namespaces the
/// default soft limit of 1024 descriptors is too low, so the soft limit is raised to the hard one.
enum ResourceLimits {
    static func raiseOpenFileLimit(logger: Logger) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        guard limit.rlim_cur < limit.rlim_max else { return }
        let previous = limit.rlim_cur
        limit.rlim_cur = limit.rlim_max
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            logger.debug("raised the open file limit", metadata: ["from": "\(previous)", "to": "\(limit.rlim_max)"])
        }
    }
}
