import ExporterCore
import Logging
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#endif

/// Ends the process when a graceful shutdown has not finished within `limit`, whatever holds it
/// up: Swarm's stop_grace_period (10 s in the stack) is followed by SIGKILL, and a process that
/// outlives SIGTERM only delays the new task.
///
/// The server is asked to stop gracefully first, and after `ServiceGroup`'s shorter graceful
/// limit its tasks are cancelled; this is the last resort when even that does not end them.
struct ShutdownWatchdog: Service {
    let limit: Duration
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        let limit = self.limit
        let logger = self.logger
        // A thread of its own: it must fire even if every cooperative thread is stuck.
        let failed = DedicatedThread.start(name: "shutdown-watch") {
            // Slices of usleep up to a clock instant: a signal that cuts one short costs nothing,
            // and no timespec is built (two C modules declare one, and which this file sees
            // depends on the import graph).
            let end = ContinuousClock.now + limit
            while ContinuousClock.now < end { usleep(20_000) }
            Self.giveUp(limit: limit, logger: logger)
        }
        if failed != nil {
            try? await Task.sleep(for: limit)
            Self.giveUp(limit: limit, logger: logger)
        }
    }

    private static func giveUp(limit: Duration, logger: Logger) -> Never {
        logger.error("shutdown did not finish in time; exiting now", metadata: ["limit_seconds": "\(limit.seconds)"])
        _exit(1)
    }
}
