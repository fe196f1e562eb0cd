public import ExporterCore

/// How collectors reach the Swarm names: the executable sets the directory in the environment it
/// hands to every collector; without Docker it stays nil.
public enum SwarmDirectoryKey: CollectorEnvironmentKey {
    public static let defaultValue: (any SwarmDirectory)? = nil
}

extension CollectorEnvironment {
    /// Docker Swarm's names for load balancers, when the Docker Engine API is asked.
    public var swarm: (any SwarmDirectory)? {
        get { self[SwarmDirectoryKey.self] }
        set { self[SwarmDirectoryKey.self] = newValue }
    }
}
