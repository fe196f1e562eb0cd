public import ExporterCore
import FoundationEssentials
public import Logging
import NIOConcurrencyHelpers
#if canImport(Glibc)
import Glibc
#endif

/// Keeps a `SwarmSnapshot` fresh from the Docker Engine API over its unix socket.
///
/// `run()` refreshes it every `interval` in the background; scrapes only read the last good
/// snapshot, so they never wait for Docker. A failed refresh keeps the last good snapshot and
/// counts an error. A socket that does not exist (not a Docker host, or not mounted) is not an
/// error: there are simply no names.
public final class DockerSwarmDirectory: SwarmDirectory, @unchecked Sendable {
    private struct State {
        var snapshot: SwarmSnapshot?
        var errors: UInt64 = 0
        var lastError: String?
    }

    public let socketPath: String
    private let interval: Duration
    private let client: UnixHTTPClient
    private let logger: Logger
    private let state = NIOLockedValueBox(State())

    public init(socketPath: String, interval: Duration, timeout: Duration, logger: Logger) {
        self.socketPath = socketPath
        self.interval = interval
        self.client = UnixHTTPClient(socketPath: socketPath, timeout: timeout)
        self.logger = logger
    }

    public var snapshot: SwarmSnapshot? { state.withLockedValue { $0.snapshot } }
    public var apiErrors: UInt64 { state.withLockedValue { $0.errors } }

    /// Refreshes until the task is cancelled. The blocking requests run on a thread of their own.
    public func run() async {
        while !Task.isCancelled {
            await DedicatedThread.run(name: "docker-api") { [self] in refreshOnce() }
            try? await Task.sleep(for: interval)
        }
    }

    /// One refresh: networks, their load balancers, and (on managers) the services' ports.
    public func refreshOnce() {
        guard access(socketPath, F_OK) == 0 else {
            logger.debug("no Docker socket; Swarm service names are off", metadata: ["socket": "\(socketPath)"])
            return
        }
        do {
            let snapshot = try fetch()
            state.withLockedValue {
                $0.snapshot = snapshot
                $0.lastError = nil
            }
        } catch {
            let message = "\(error)"
            let isNew = state.withLockedValue { current -> Bool in
                current.errors += 1
                defer { current.lastError = message }
                return current.lastError != message
            }
            if isNew {
                logger.warning("Docker Engine API request failed; keeping the last good Swarm names", metadata: ["socket": "\(socketPath)", "error": "\(message)"])
            }
        }
    }

    struct APIError: Error, CustomStringConvertible {
        let description: String
    }

    private func fetch() throws -> SwarmSnapshot {
        let filter = "%7B%22scope%22%3A%5B%22swarm%22%5D%7D"  // {"scope":["swarm"]}, percent-encoded
        let networks: [DockerEngine.NetworkSummary] = try decode("/networks?filters=\(filter)")
        var details: [DockerEngine.NetworkDetail] = []
        for network in networks where (network.driver ?? "overlay") == "overlay" {
            details.append(try decode("/networks/\(network.id)?verbose=true&scope=swarm"))
        }
        // Only managers can list services; a worker's 503 just means no protocols.
        let services: [DockerEngine.Service]? = try? decode("/services")
        return SwarmSnapshotBuilder.build(networks: details, services: services)
    }

    private func decode<T: Decodable>(_ target: String) throws -> T {
        let response: UnixHTTPClient.Response
        do {
            response = try client.get(target)
        } catch {
            throw APIError(description: "GET \(target): \(error)")
        }
        guard response.status == 200 else {
            let body = String(decoding: response.body.prefix(200), as: UTF8.self)
            let message = String(body.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
            throw APIError(description: "GET \(target): HTTP \(response.status) \(message)")
        }
        do {
            return try JSONDecoder().decode(T.self, from: response.body)
        } catch {
            throw APIError(description: "GET \(target): cannot decode the answer: \(error)")
        }
    }
}
