import ServiceLifecycle
import SwarmDiscovery

/// Keeps the Swarm names fresh for as long as the server runs.
struct SwarmDirectoryService: Service {
    let directory: DockerSwarmDirectory

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await directory.run()
        }
        try? await gracefulShutdown()
    }
}
