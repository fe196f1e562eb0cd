import Logging
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// The process limits the exporter depends on.
enum ResourceLimits {
    /// Every namespace keeps a few sockets and files open; on a node with hundreds of namespaces
    /// the default soft limit of 1024 descriptors is too low, so the soft limit is raised to the
    /// hard one (and said so).
    static func raiseOpenFileLimit(logger: Logger) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        guard limit.rlim_cur < limit.rlim_max else {
            logger.debug("open file limit", metadata: ["limit": "\(limit.rlim_cur)"])
            return
        }
        let previous = limit.rlim_cur
        limit.rlim_cur = limit.rlim_max
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            logger.info("raised the open file limit to the hard limit", metadata: ["from": "\(previous)", "to": "\(limit.rlim_max)"])
        } else {
            logger.warning("could not raise the open file limit", metadata: ["limit": "\(previous)", "hard_limit": "\(limit.rlim_max)"])
        }
    }

    /// The address space the exporter needs at least: every thread reserves an 8 MiB stack, and
    /// the event loops and Swift's cooperative pool each start one per core, so the need grows
    /// with the cores (address space, of which only a small part is ever resident).
    /// Under a lower `ulimit -v` threads fail to start and the process would hang before serving.
    static var minimumAddressSpace: Int { (256 + 16 * System.coreCount) << 20 }

    /// Why the address space limit is too low, or nil. Checked before the first `await`: the
    /// async code after it needs the threads that such a limit prevents.
    static func addressSpaceShortfall() -> String? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_AS.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max,
              limit.rlim_cur < rlim_t(minimumAddressSpace) else { return nil }
        return "the virtual memory limit (ulimit -v) is \(limit.rlim_cur / 1024) KiB; with \(System.coreCount) CPUs the exporter needs at least \(minimumAddressSpace / 1024) KiB of address space for its threads' stacks (address space, not resident memory: it uses about 30 MB of that)"
    }
}
