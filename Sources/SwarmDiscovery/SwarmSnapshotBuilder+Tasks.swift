extension SwarmSnapshotBuilder {
    /// The managers' view of each load balancer the node has a network view of (pure).
    ///
    /// Why a second view: libnetwork programs this node's IPVS from the node's network database,
    /// which the nodes fill by gossip. When that database is wrong (nodes disagree, moby/moby#30464),
    /// the kernel and the network view agree with each other, and a check against the network view
    /// alone sees nothing. The managers' store of tasks is the cluster's truth; comparing the
    /// kernel with it catches exactly that case.
    ///
    /// Each view lists the tasks attached to the load balancer's network, by the address they have
    /// there (`Addresses[]` without the prefix length), named as Docker names their containers, on
    /// the node address the network view uses (the node id when `/nodes` does not give one). Only
    /// tasks desired `running` are listed (the request asks for those; the filter is applied here
    /// too): any of them makes its address known, whatever its state (a starting task may already
    /// have its backend), and only one whose state is `running` is expected to have a backend.
    /// Firewall marks exist only in the network view, so its `serviceByFirewallMark` is taken over
    /// and tasks of services without a mark there are left out (nothing to compare them with).
    ///
    /// - Parameters:
    ///   - networkViews: the network view of each load balancer, by namespace label.
    ///   - labelByNetworkID: the namespace label of each network id.
    static func tasksViews(networkViews: [String: SwarmSnapshot.LoadBalancer], labelByNetworkID: [String: String],
                           answers: ManagerAnswers) -> [String: SwarmSnapshot.LoadBalancer] {
        var serviceName: [String: String] = [:]
        for service in answers.services {
            if let id = service.id, serviceName[id] == nil { serviceName[id] = service.spec.name }
        }
        var nodeAddress: [String: String] = [:]
        for node in answers.nodes {
            if let address = node.address, nodeAddress[node.id] == nil { nodeAddress[node.id] = address }
        }
        var views: [String: SwarmSnapshot.LoadBalancer] = [:]
        var claimed: [String: Set<String>] = [:]
        for (label, network) in networkViews {
            var view = SwarmSnapshot.LoadBalancer()
            view.serviceByFirewallMark = network.serviceByFirewallMark
            view.virtualIPByFirewallMark = network.virtualIPByFirewallMark
            view.publishedPorts = network.publishedPorts
            view.readAt = answers.readAt
            views[label] = view
            claimed[label] = Set(network.serviceByFirewallMark.values)
        }
        for task in answers.tasks where task.desiredState == "running" {
            guard let service = serviceName[task.serviceID] else { continue }
            let name = task.name(service: service)
            let node = nodeAddress[task.nodeID] ?? task.nodeID
            for attachment in task.attachments {
                guard let label = labelByNetworkID[attachment.networkID], claimed[label]?.contains(service) == true else { continue }
                for address in attachment.addresses {
                    let bare = address.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
                    guard !bare.isEmpty else { continue }
                    views[label]?.tasks.append(.init(service: service, address: bare, name: name, node: node,
                                                     expectsBackend: task.state == "running"))
                }
            }
        }
        for label in views.keys {
            views[label]?.tasks.sort { ($0.service, $0.address, $0.name) < ($1.service, $1.address, $1.name) }
        }
        return views
    }
}
