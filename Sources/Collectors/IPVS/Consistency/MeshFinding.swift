/// One way a load balancer disagrees with Docker's view of it. These are the keys the exporter
/// remembers between scrapes, to tell a real disagreement from a view that has not caught up.
public enum MeshFinding: Hashable, Sendable {
    /// A backend with a weight above 0 whose address is no task of the service in Docker's view:
    /// it still gets its share of new connections, and nothing answers them.
    case staleBackend(service: String, fwmark: UInt32, address: String)
    /// A task Docker lists for the service on this load balancer that has no backend here.
    case missingBackend(service: String, fwmark: UInt32, address: String)
    /// A firewall-mark service no Swarm service on this network claims.
    case unclaimedMark(UInt32)
    /// A service with an address and port (`TCP 10.0.0.1:80`): Swarm never makes one.
    case unclaimedAddress(String)
    /// A Swarm service with a firewall mark on this network but no IPVS service of that mark here.
    case unprogrammedService(service: String, fwmark: UInt32)

    /// The value of the `kind` label and of inspect's marks.
    public var kind: String {
        switch self {
        case .staleBackend: "stale_backend"
        case .missingBackend: "missing_backend"
        case .unclaimedMark, .unclaimedAddress: "unclaimed_service"
        case .unprogrammedService: "unprogrammed_service"
        }
    }
}
