/// What Docker Swarm says about this node's load balancers, keyed by the `netns` label of the
/// namespace each one lives in (`ingress_sbox`, `lb_<first 9 characters of the network id>`).
///
/// `DockerSwarmDirectory` fills it from the Docker Engine API in the background; collectors only
/// read the latest snapshot (`CollectorEnvironment.swarm`), so a scrape never waits for Docker.
///
/// Two views of each load balancer, from two sources that can disagree (`View`): the node's network
/// database (`loadBalancers`, every node) and the managers' store of tasks (`managerLoadBalancers`,
/// managers only).
public struct SwarmSnapshot: Sendable, Equatable {
    /// Where a view of a load balancer comes from: the value of the metrics' `view` label.
    public enum View: String, Sendable, Hashable, CaseIterable, Comparable {
        /// `GET /networks/{id}?verbose=true`: the node's network database, which libnetwork
        /// programs this node's IPVS from. Every node answers it.
        case network
        /// `GET /tasks` (with `/services` and `/nodes`): the managers' store, the cluster's truth
        /// of which tasks should run. Only managers answer it.
        case tasks

        public static func < (lhs: View, rhs: View) -> Bool { allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)! }
    }

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
        /// Whether this task should have a backend now. The network view lists tasks whose
        /// endpoint is programmed, so always; the tasks view also lists tasks that are still
        /// starting (their address is known, a backend may or may not exist yet), and only a
        /// running one is expected to have a backend.
        public var expectsBackend: Bool

        public init(service: String, address: String, name: String, node: String, expectsBackend: Bool = true) {
            self.service = service
            self.address = address
            self.name = name
            self.node = node
            self.expectsBackend = expectsBackend
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

    /// The network view of each load balancer, by namespace label: on every node.
    public var loadBalancers: [String: LoadBalancer]
    /// The tasks view of each load balancer, by namespace label: only on managers, and only next to
    /// a network view of the same load balancer (the firewall marks come from there alone).
    /// Its `readAt` is when `/tasks` was last read successfully.
    public var managerLoadBalancers: [String: LoadBalancer]

    public init(loadBalancers: [String: LoadBalancer] = [:], managerLoadBalancers: [String: LoadBalancer] = [:]) {
        self.loadBalancers = loadBalancers
        self.managerLoadBalancers = managerLoadBalancers
    }
}
