/// A source of `SwarmSnapshot`s: `DockerSwarmDirectory`, read by collectors through
/// `CollectorEnvironment.swarm`.
public protocol SwarmDirectory: Sendable {
    /// The last good snapshot, or nil when none was ever read.
    var snapshot: SwarmSnapshot? { get }
}
