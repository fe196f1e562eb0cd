/// What Docker Swarm says about this node's load balancers, keyed by the `netns` label of the
/// namespace each one lives in (`ingress_sbox`, `lb_<first 9 characters of the network id>`).
///
/// `DockerSwarmDirectory` fills it from the Docker Engine API in the background; collectors only
/// read the latest snapshot (`CollectorEnvironment.swarm`), so a scrape never waits for Docker.
public struct SwarmSnapshot: Sendable, Equatable {
    public struct PublishedPort: Sendable, Equatable {
        public var fwmark: UInt32
        public var service: String
        public var protocolName: String
        public var publishedPort: UInt16
        public var targetPort: UInt16

        public init(fwmark: UInt32, service: String, protocolName: String, publishedPort: UInt16, targetPort: UInt16) {
            self.fwmark = fwmark
            self.service = service
            self.protocolName = protocolName
            self.publishedPort = publishedPort
            self.targetPort = targetPort
        }
    }

    public struct Task: Sendable, Equatable {
        public var service: String
        public var address: String
        public var name: String
        public var node: String

        public init(service: String, address: String, name: String, node: String) {
            self.service = service
            self.address = address
            self.name = name
            self.node = node
        }
    }

    public struct LoadBalancer: Sendable, Equatable {
        /// Swarm service name by the fwmark of its IPVS service in this namespace (LocalLBIndex).
        public var serviceByFirewallMark: [UInt32: String] = [:]
        /// The service's virtual IP on this network by fwmark ("VIP"; absent when Docker gives none).
        public var virtualIPByFirewallMark: [UInt32: String] = [:]
        public var publishedPorts: [PublishedPort] = []
        public var tasks: [Task] = []
        /// When Docker's answer for this network was read: how old this view of it is. Nil when
        /// unknown (built from a recorded answer); the consistency rules then trust no disagreement.
        public var readAt: ContinuousClock.Instant?

        public init() {}

        /// The addresses of the tasks Docker lists for `service` on this network.
        public func taskAddresses(of service: String) -> Set<String> {
            Set(tasks.lazy.filter { $0.service == service }.map(\.address))
        }
    }

    public var loadBalancers: [String: LoadBalancer]

    public init(loadBalancers: [String: LoadBalancer] = [:]) {
        self.loadBalancers = loadBalancers
    }
}
