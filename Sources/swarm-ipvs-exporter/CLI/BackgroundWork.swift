import ExporterCore
import Logging
import ServiceLifecycle
import SwarmDiscovery

/// Work that goes on in the background for as long as the server runs (a collector's probes, the
/// refresh of the Swarm names): cancelled at graceful shutdown.
struct BackgroundWork: Service {
    let work: @Sendable () async throws -> Void
    /// What to log should the work fail.
    let failed: @Sendable (any Error) -> Void

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await work()
            }
        } catch is CancellationError {
            return
        } catch {
            failed(error)
        }
        // A service that returns would stop the whole server group: wait for the real shutdown.
        try? await gracefulShutdown()
    }

    /// A global collector's probe loop.
    static func probes(of collector: any GlobalCollector, logger: Logger) -> BackgroundWork {
        BackgroundWork(work: { try await collector.run() }, failed: { error in
            logger.error("collector's background work failed", metadata: ["collector": "\(type(of: collector).name)", "error": "\(error)"])
        })
    }

    /// The refresh of the Swarm names from the Docker Engine API (it does not fail: a failed
    /// refresh is counted and logged by the directory, which keeps the last good names).
    static func refreshes(of directory: DockerSwarmDirectory) -> BackgroundWork {
        BackgroundWork(work: { await directory.run() }, failed: { _ in })
    }
}
