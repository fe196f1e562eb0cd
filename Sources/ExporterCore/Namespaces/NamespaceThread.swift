#if canImport(Glibc)
import Glibc
#endif
import CLinux
public import LinuxSystem

/// Runs work inside a network namespace on a fresh thread that exits when the work is done.
///
/// setns(2) moves the calling *thread*. Doing it on a Swift-concurrency, Dispatch or NIO pool
/// thread would leave a shared thread in a foreign namespace, so every entry happens here, on a
/// thread nobody else ever uses.
public enum NamespaceThread {
    public enum Failure: Error, Sendable, CustomStringConvertible {
        case open(SystemError)
        case enter(SystemError)
        case thread(Int32)

        public var description: String {
            switch self {
            case .open(let error): "cannot open the namespace file (\(error))"
            case .enter(let error): error.errno == EINVAL
                ? "not a network namespace (setns: \(String(cString: strerror(error.errno))))"
                : "cannot enter the namespace (\(error))"
            case .thread(let code): "cannot start a thread (\(String(cString: strerror(code))))"
            }
        }
    }

    /// Opens `path`, joins the network namespace behind it on a new thread, and runs `body` there.
    /// `body` gets the identity of the namespace actually joined.
    public static func run<T: Sendable>(
        in path: String,
        _ body: @escaping @Sendable (NamespaceIdentity) -> T
    ) async -> Result<T, Failure> {
        await withCheckedContinuation { continuation in
            let failed = DedicatedThread.start(name: "netns") {
                // O_NONBLOCK: a path that names a FIFO must not hang the scrape.
                let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
                guard descriptor >= 0 else {
                    continuation.resume(returning: .failure(.open(SystemError(call: "open", errno: errno))))
                    return
                }
                defer { close(descriptor) }
                let identity: NamespaceIdentity
                switch NamespaceIdentity.of(descriptor: descriptor) {
                case .success(let value): identity = value
                case .failure(let error):
                    continuation.resume(returning: .failure(.open(error)))
                    return
                }
                guard clinux_setns_net(descriptor) == 0 else {
                    continuation.resume(returning: .failure(.enter(SystemError(call: "setns", errno: errno))))
                    return
                }
                continuation.resume(returning: .success(body(identity)))
            }
            if let code = failed {
                continuation.resume(returning: .failure(.thread(code)))
            }
        }
    }
}
