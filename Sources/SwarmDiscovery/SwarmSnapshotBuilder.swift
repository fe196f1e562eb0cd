import ExporterCore

/// Turns the Docker Engine API's network and service descriptions into a `SwarmSnapshot` (pure).
enum SwarmSnapshotBuilder {
    /// The netns file name of a swarm network's load balancer: `ingress_sbox` for the routing mesh,
    /// `lb_<first 9 characters of the network id>` for an overlay network.
    static func namespaceLabel(networkID: String, ingress: Bool) -> String {
        ingress ? "ingress_sbox" : "lb_" + networkID.prefix(9)
    }

    /// "Target: 80, Publish: 8080" as libnetwork formats an ingress port.
    static func parsePort(_ text: String) -> (target: UInt16, published: UInt16)? {
        var target: UInt16?
        var published: UInt16?
        for part in text.split(separator: ",") {
            let pair = part.split(separator: ":", maxSplits: 1).map(\.trimmedWhitespace)
            guard pair.count == 2, let value = UInt16(pair[1]) else { continue }
            switch pair[0] {
            case "Target": target = value
            case "Publish": published = value
            default: break
            }
        }
        guard let target, let published else { return nil }
        return (target, published)
    }

    /// - Parameter readAt: when each network's detail was read, by network id.
    static func build(networks: [DockerEngine.NetworkDetail], services: [DockerEngine.Service]?,
                      readAt: [String: ContinuousClock.Instant] = [:]) -> SwarmSnapshot {
        // Protocols of published ports, when the node is a manager and could list services.
        var protocols: [String: [(target: UInt16, published: UInt16, protocolName: String)]] = [:]
        for service in services ?? [] {
            for port in service.endpoint?.ports ?? [] where (port.publishMode ?? "ingress") == "ingress" {
                guard let target = port.targetPort, let published = port.publishedPort else { continue }
                protocols[service.spec.name, default: []].append((target, published, port.protocolName ?? ""))
            }
        }

        var snapshot = SwarmSnapshot()
        for network in networks {
            let isIngress = network.ingress ?? false
            let label = namespaceLabel(networkID: network.id, ingress: isIngress)
            var balancer = snapshot.loadBalancers[label] ?? SwarmSnapshot.LoadBalancer()
            balancer.readAt = readAt[network.id]
            for (name, info) in (network.services ?? [:]).sorted(by: { $0.key < $1.key }) where !name.isEmpty {
                guard let mark = info.localLBIndex, mark > 0 else { continue }
                balancer.serviceByFirewallMark[mark] = name
                // libnetwork prints a service without a virtual IP (endpoint mode dnsrr) as "<nil>".
                if let address = info.virtualIP, !address.isEmpty, address != "<nil>" {
                    balancer.virtualIPByFirewallMark[mark] = address
                }
                for task in info.tasks ?? [] {
                    guard let address = task.endpointIP, !address.isEmpty else { continue }
                    balancer.tasks.append(SwarmSnapshot.Task(
                        service: name, address: address, name: task.name ?? "", node: task.hostIP ?? ""))
                }
                guard isIngress else { continue }
                // libnetwork prints one string per ingress port without its protocol, so 53/tcp and
                // 53/udp give the same string twice: each distinct port is reported once per protocol.
                var seen: Set<String> = []
                for text in Set(info.ports ?? []).sorted() {
                    guard let port = parsePort(text) else { continue }
                    let known = protocols[name]?.filter { $0.target == port.target && $0.published == port.published } ?? []
                    // One published port may be both tcp and udp; without /services the protocol is unknown ("").
                    for protocolName in known.isEmpty ? [""] : known.map(\.protocolName)
                    where seen.insert("\(protocolName)/\(port.published)/\(port.target)").inserted {
                        balancer.publishedPorts.append(SwarmSnapshot.PublishedPort(
                            fwmark: mark, service: name, protocolName: protocolName,
                            publishedPort: port.published, targetPort: port.target))
                    }
                }
            }
            snapshot.loadBalancers[label] = balancer
        }
        return snapshot
    }
}
