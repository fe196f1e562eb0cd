#if canImport(Glibc)
import Glibc
#endif
import CLinux

/// A detached thread of its own for blocking work, so the work never occupies a thread of a
/// shared pool (Swift concurrency's, Dispatch's or NIO's).
public enum DedicatedThread {
    /// Starts a detached thread named `name` (at most 15 bytes are kept, as the kernel allows)
    /// running `body`. Returns the pthread error code if the thread could not be started.
    public static func start(name: String, _ body: @escaping @Sendable () -> Void) -> Int32? {
        final class Work {
            let name: String
            let body: @Sendable () -> Void
            init(name: String, body: @escaping @Sendable () -> Void) {
                self.name = name
                self.body = body
            }
        }
        let context = Unmanaged.passRetained(Work(name: name, body: body)).toOpaque()
        var thread = pthread_t()
        let code = pthread_create(&thread, nil, { context in
            let work = Unmanaged<Work>.fromOpaque(context!).takeRetainedValue()
            _ = clinux_name_thread(work.name)
            work.body()
            return nil
        }, context)
        guard code == 0 else {
            Unmanaged<Work>.fromOpaque(context).release()
            return code
        }
        pthread_detach(thread)
        return nil
    }

    /// Runs `body` on a thread of its own and awaits its result. Should no thread be available
    /// (the process is at its thread limit), `body` runs on the caller's thread instead: late,
    /// but neither lost nor hung.
    public static func run<T: Sendable>(name: String, _ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let failed = start(name: name) { continuation.resume(returning: body()) }
            if failed != nil { continuation.resume(returning: body()) }
        }
    }
}
