import ExporterCore
import Logging
import ServiceLifecycle

/// Runs a global collector's background probes for as long as the server runs.
struct GlobalCollectorService: Service {
    let collector: any GlobalCollector
    let logger: Logger

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await collector.run()
            }
        } catch is CancellationError {
            return
        } catch {
            logger.error("collector's background work failed", metadata: ["collector": "\(type(of: collector).name)", "error": "\(error)"])
        }
        // A service that returns would stop the whole server group: wait for the real shutdown.
        try? await gracefulShutdown()
    }
}
