import NIOConcurrencyHelpers
#if canImport(Glibc)
import Glibc
#endif

/// The process's file descriptors: how many are open and how many may be.
///
/// Every namespace keeps a few sockets and files open (about 9 with the default collectors). At
/// the limit, every open fails with EMFILE: libnl calls that "Unspecific failure", a glob's
/// directory cannot be read, and libdispatch aborts the process (SIGILL) when it cannot open a
/// thread's /proc/…/stat. So namespaces are opened only while a `reserve` stays free.
public enum FileDescriptors {
    /// Descriptors kept free for everything but namespace readers: HTTP connections, background
    /// clients and probes, libdispatch and the runtime.
    public static func reserve(limit: Int) -> Int { max(64, limit / 20) }

    /// The soft limit (RLIMIT_NOFILE), or nil when there is none.
    public static var limit: Int? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }
        return Int(clamping: limit.rlim_cur)
    }

    /// Open descriptors now (entries of /proc/self/fd), or nil when they cannot be counted (the
    /// directory needs a descriptor of its own).
    public static var openCount: Int? {
        guard let directory = opendir("/proc/self/fd") else { return nil }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            if entry.pointee.d_name.0 != CChar(UInt8(ascii: ".")) { count += 1 }
        }
        return count - 1  // the directory's own descriptor
    }

    /// Descriptors one namespace's readers take, at most: two per collector (proc keeps one file
    /// per table, the others one netlink socket), and the namespace file while it is entered.
    public static func perNamespace(collectors: Int) -> Int { 2 * collectors + 1 }
}

/// How many more namespaces one refresh may open without eating into the reserve. The count of
/// open descriptors is taken once, at the first request, and each opening takes its share.
final class DescriptorAllowance: Sendable {
    private struct State {
        var remaining: Int?
        var refused = 0
    }

    private let state = NIOLockedValueBox(State())
    let limit: Int?

    init() { limit = FileDescriptors.limit }

    /// True when `count` more descriptors fit under the limit less the reserve.
    func take(_ count: Int) -> Bool {
        guard let limit else { return true }
        return state.withLockedValue { state in
            if state.remaining == nil {
                state.remaining = limit - FileDescriptors.reserve(limit: limit) - (FileDescriptors.openCount ?? limit)
            }
            guard state.remaining! >= count else {
                state.refused += 1
                return false
            }
            state.remaining! -= count
            return true
        }
    }

    /// Namespaces refused so far.
    var refused: Int { state.withLockedValue(\.refused) }
}
