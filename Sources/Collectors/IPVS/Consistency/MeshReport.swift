public import SwarmDiscovery

/// One load balancer compared with Docker's view of it: what the metrics count and `inspect` shows.
public struct MeshReport: Sendable, Equatable {
    public struct Backend: Sendable, Equatable {
        public enum State: Sendable, Equatable {
            /// A task of the service, weight above 0.
            case serving
            /// Weight 0: Swarm takes a task out this way before removing it. `age` is how long
            /// this exporter has seen it at 0; `listed` whether Docker still lists its task.
            case draining(age: Duration, listed: Bool)
            /// Weight above 0 and no task of the service in Docker's view, confirmed by a view read
            /// after the exporter first saw it.
            case stale
            /// Weight above 0 and not (yet) in Docker's view, but no view read since it was first
            /// seen: most likely a task that started after the view was read.
            case unconfirmed
        }

        public var address: String
        public var weight: Int32
        /// The task Docker lists at this address, if any.
        public var task: SwarmSnapshot.Task?
        public var state: State
    }

    public struct Service: Sendable, Equatable {
        public var name: String
        public var fwmark: UInt32
        /// Whether the kernel has an IPVS service with this mark here.
        public var programmed: Bool
        /// The kernel's backends of the mark, in the kernel's order (a scrape only counts them;
        /// `inspect` sorts what it shows).
        public var backends: [Backend]
        /// Tasks Docker lists for the service here that have no backend (confirmed).
        public var missing: [SwarmSnapshot.Task]
        /// How many tasks Docker lists for the service here.
        public var listedTasks: Int

        public var staleCount: Int { backends.count { $0.state == .stale } }
        public var drainingCount: Int { backends.count { if case .draining = $0.state { true } else { false } } }
        /// The longest drain of the service's backends; zero when none drains.
        public var longestDrain: Duration {
            backends.reduce(.zero) { longest, backend in
                if case .draining(let age, _) = backend.state { max(longest, age) } else { longest }
            }
        }
    }

    /// A kernel service no Swarm service on this network claims.
    public struct UnclaimedService: Sendable, Equatable {
        /// `FWM 300` or `TCP 10.0.0.1:80`.
        public var description: String
        public var fwmark: UInt32?
        public var backends: Int
    }

    /// Every Swarm service with a firewall mark on this network, by name then mark.
    public var services: [Service]
    /// Confirmed only, in order.
    public var unclaimed: [UnclaimedService]
    /// Every confirmed disagreement, in a stable order (what the info series and exit status use).
    public var findings: [MeshFinding]
    /// Which views confirmed each finding (`viewLabel(of:)`).
    public var foundBy: [MeshFinding: Set<SwarmSnapshot.View>] = [:]

    /// No confirmed disagreement. A drain alone is not one: a drain that never ends is judged by
    /// its length (`longestDrain`), not here.
    public var isConsistent: Bool { findings.isEmpty }

    /// `network`, `tasks` or `network+tasks`: the views that found `finding` (the `view` label).
    public func viewLabel(of finding: MeshFinding) -> String {
        (foundBy[finding] ?? []).sorted().map(\.rawValue).joined(separator: "+")
    }

    public var unprogrammedCount: Int { findings.count { if case .unprogrammedService = $0 { true } else { false } } }
}
