extension SwarmSnapshotBuilder {
    /// The managers' view of each load balancer the node has a network view of (pure).
    ///
    /// Why a second view: libnetwork programs this node's IPVS from the node's network database,
    /// which the nodes fill by gossip. When that database is wrong (nodes disagree, moby/moby#30464),
    /// the kernel and the network view agree with each other, and a check against the network view
    /// alone sees nothing. The managers' store of tasks is the cluster's truth; comparing the
    /// kernel with it catches exactly that case.
    ///
    /// Each view lists the tasks attached to the load balancer's network as `ManagerAnswers` joined
    /// them (desired running; known by address, expected to have a backend when running). Firewall
    /// marks exist only in the network view, so its marks are taken over and the tasks of services
    /// without a mark there are left out (nothing to compare them with).
    ///
    /// - Parameters:
    ///   - networkViews: the network view of each load balancer, by namespace label.
    ///   - labelByNetworkID: the namespace label of each network id.
    static func tasksViews(networkViews: [String: SwarmSnapshot.LoadBalancer], labelByNetworkID: [String: String],
                           answers: ManagerAnswers) -> [String: SwarmSnapshot.LoadBalancer] {
        var views: [String: SwarmSnapshot.LoadBalancer] = [:]
        for (label, network) in networkViews {
            var view = SwarmSnapshot.LoadBalancer()
            view.serviceByFirewallMark = network.serviceByFirewallMark
            view.virtualIPByFirewallMark = network.virtualIPByFirewallMark
            view.publishedPorts = network.publishedPorts
            view.readAt = answers.readAt
            views[label] = view
        }
        for (networkID, tasks) in answers.tasksByNetwork {
            guard let label = labelByNetworkID[networkID], let network = networkViews[label] else { continue }
            let claimed = Set(network.serviceByFirewallMark.values)
            // Usually every task there has a mark: then the view shares the answers' list (no copy).
            let kept = tasks.allSatisfy { claimed.contains($0.service) } ? tasks : tasks.filter { claimed.contains($0.service) }
            if views[label]?.tasks.isEmpty == true { views[label]?.tasks = kept } else { views[label]?.tasks += kept }
        }
        return views
    }
}
