/// A source of `SwarmSnapshot`s: `DockerSwarmDirectory`, read by collectors through
/// `CollectorEnvironment.swarm`.
public protocol SwarmDirectory: Sendable {
    /// The last good snapshot, or nil when none was ever read.
    var snapshot: SwarmSnapshot? { get }
    /// How old a load balancer's view (`SwarmSnapshot.LoadBalancer.readAt`) may be and still be
    /// compared with the kernel: past it, refreshes of that network have failed several times in a
    /// row, and a disagreement may be Docker's old news rather than the kernel's fault.
    var maximumViewAge: Duration { get }
}
